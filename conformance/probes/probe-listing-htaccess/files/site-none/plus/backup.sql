sensitive: site-none/plus/backup.sql
