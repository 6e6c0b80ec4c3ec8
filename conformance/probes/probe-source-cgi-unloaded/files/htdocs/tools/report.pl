sensitive: htdocs/tools/report.pl
