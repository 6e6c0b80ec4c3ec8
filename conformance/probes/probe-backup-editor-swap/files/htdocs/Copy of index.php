sensitive: htdocs/Copy of index.php
