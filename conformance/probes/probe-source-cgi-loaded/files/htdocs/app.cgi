sensitive: htdocs/app.cgi
