sensitive: htdocs/index.php
