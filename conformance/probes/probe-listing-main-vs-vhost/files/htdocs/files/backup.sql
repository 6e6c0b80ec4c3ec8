sensitive: htdocs/files/backup.sql
