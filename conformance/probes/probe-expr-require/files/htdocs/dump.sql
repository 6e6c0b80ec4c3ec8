sensitive: htdocs/dump.sql
