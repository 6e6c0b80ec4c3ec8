sensitive: htdocs/backup/db.sql
