sensitive: site-all/minus/backup.sql
