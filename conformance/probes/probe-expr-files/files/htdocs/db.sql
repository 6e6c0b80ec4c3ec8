sensitive: htdocs/db.sql
