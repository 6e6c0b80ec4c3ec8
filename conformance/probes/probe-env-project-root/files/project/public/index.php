<?php echo 'front controller';
