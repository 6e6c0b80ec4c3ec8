sensitive: site-limited/plus/backup.sql
