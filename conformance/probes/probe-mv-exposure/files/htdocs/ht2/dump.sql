sensitive: htdocs/ht2/dump.sql
