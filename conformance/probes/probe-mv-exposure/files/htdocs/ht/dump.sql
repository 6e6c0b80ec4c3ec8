sensitive: htdocs/ht/dump.sql
