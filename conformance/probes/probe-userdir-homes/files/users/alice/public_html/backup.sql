sensitive: users/alice/public_html/backup.sql
