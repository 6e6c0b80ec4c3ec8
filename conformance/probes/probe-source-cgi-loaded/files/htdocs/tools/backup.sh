sensitive: htdocs/tools/backup.sh
