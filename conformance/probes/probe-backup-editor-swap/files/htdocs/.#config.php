sensitive: htdocs/.#config.php
