sensitive: htdocs/.hg/store/00manifest.i
