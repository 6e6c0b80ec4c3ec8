sensitive: htdocs/config.php
