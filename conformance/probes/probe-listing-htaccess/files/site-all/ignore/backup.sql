sensitive: site-all/ignore/backup.sql
