package main

import (
	"os"
)

// The shipped hosting example: the configuration and the users'
// directories are read through one fs.FS rooted at examples/hosting.
func Example() {
	if err := run(os.Stdout, os.DirFS("../hosting"), "/apache2.conf", "www.site.com", "/~bob/blog.wsgi"); err != nil {
		panic(err)
	}
	// Output:
	// vhost www.site.com [*:80] at /sites-enabled/www.site.com.conf:1:1
	// www.site.com/~bob/blog.wsgi -> /home/bob/public_html/blog.wsgi (alias), handler wsgi-script, status 200
	//   merged <VirtualHost *:80> from /sites-enabled/www.site.com.conf:1:1
	//   merged <Directory /> from /apache2.conf:19:1
	//   merged <Directory /home/bob/public_html> from /sites-enabled/www.site.com.conf:14:5
	//   merged /home/bob/public_html/.htaccess
	//   merged <Files blog.wsgi> from /home/bob/public_html/.htaccess:1:1
	//   env PROCESS_GROUP=bob:2 (set at /home/bob/public_html/.htaccess:2:5)
	// mod_wsgi: allowed in group "bob:2", application group "www.site.com|/~bob/blog.wsgi"
}

// Debian's stock configuration, as the apache2 package installs it
// (examples/debian/etc/apache2), with envvars' values.
func Example_debian() {
	if err := runDebian(os.Stdout, os.DirFS("../debian"), "localhost", "/index.html"); err != nil {
		panic(err)
	}
	// Output:
	// vhost debian.example [*:80] at /etc/apache2/sites-enabled/000-default.conf:1:1
	// localhost/index.html -> /var/www/html/index.html (docroot), handler , status 200
	//   merged <VirtualHost *:80> from /etc/apache2/sites-enabled/000-default.conf:1:1
	//   merged <Directory /> from /etc/apache2/apache2.conf:159:1
	//   merged <Directory /var/www/> from /etc/apache2/apache2.conf:170:1
	// mod_wsgi: not-wsgi in group "", application group ""
}
