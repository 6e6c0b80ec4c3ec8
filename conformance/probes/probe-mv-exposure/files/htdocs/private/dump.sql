sensitive: htdocs/private/dump.sql
