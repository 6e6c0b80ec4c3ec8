sensitive: site-all/plus/backup.sql
