package main

import "os"

// The shipped hosting example: bob's directory is limited to his
// groups, joe's is not.
func Example() {
	if err := run(os.Stdout, os.DirFS("../hosting"), "/apache2.conf"); err != nil {
		panic(err)
	}
	// Output:
	// www.site.com /home/bob/public_html (/sites-enabled/www.site.com.conf:14:5): .htaccess chooses the group through %{ENV:PROCESS_GROUP}
	//   limited by /sites-enabled/www.site.com.conf:19:9 to bob:1, bob:2
	//   reachable bob:1    runs as bob
	//   reachable bob:2    runs as bob
	// www.site.com /home/joe/public_html (/sites-enabled/www.site.com.conf:25:5): .htaccess chooses the group through %{ENV:PROCESS_GROUP}
	//   no WSGIRestrictProcess: every group of the server is reachable
	//   reachable bob:1    runs as bob
	//   reachable bob:2    runs as bob
	//   reachable default  runs as the Apache user
	//   reachable joe:1    runs as joe
}
