sensitive: htdocs/tools/manage.py
