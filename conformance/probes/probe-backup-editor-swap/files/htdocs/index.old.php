sensitive: htdocs/index.old.php
