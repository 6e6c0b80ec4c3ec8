sensitive: htdocs/config.inc.php
