sensitive: cgi-bin/status.sh
