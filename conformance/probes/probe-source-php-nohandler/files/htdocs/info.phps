sensitive: htdocs/info.phps
