sensitive: htdocs/app/settings.py
