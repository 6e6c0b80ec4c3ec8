sensitive: htdocs/vendor/autoload.php
