sensitive: htdocs/app.wsgi
