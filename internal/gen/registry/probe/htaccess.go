package probe

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ProbeHTAccess finds the directives whose handlers refuse .htaccess
// (ap_check_cmd_context's NOT_IN_HTACCESS), which `apache2 -t` cannot
// show: .htaccess is read per request. It starts the server once, with
// AllowOverride All and one directory per directive whose .htaccess holds
// that directive, requests each, and reads the error log.
func (e *Env) ProbeHTAccess(dirs []Directive) error {
	root := filepath.Join(e.dir, "ht")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	os.Chmod(e.dir, 0o755) // the server's user reads the tree
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	var idx []int
	for i, d := range dirs {
		if d.Override&31 == 0 || d.Section {
			continue
		}
		dir := filepath.Join(root, fmt.Sprintf("d%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		line := d.Name
		if a := DummyArgs(d.Args); len(a) > 0 {
			line += " " + strings.Join(a, " ")
		}
		if err := os.WriteFile(filepath.Join(dir, ".htaccess"), []byte(line+"\n"), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("x"), 0o644); err != nil {
			return err
		}
		idx = append(idx, i)
	}
	logFile := filepath.Join(e.dir, "ht-error.log")
	conf := strings.Replace(e.config(e.order), "ErrorLog /dev/null", "ErrorLog "+logFile, 1)
	conf = strings.Replace(conf, "Listen 127.0.0.1:9", "Listen 127.0.0.1:"+strconv.Itoa(port), 1)
	// What the running server opens that -t does not.
	if err := os.WriteFile(filepath.Join(e.dir, "mime.types"), nil, 0o644); err != nil {
		return err
	}
	conf += fmt.Sprintf("TypesConfig %s/mime.types\n", e.dir)
	conf += fmt.Sprintf("User nobody\nGroup nogroup\nDocumentRoot %s\n<Directory %s>\nAllowOverride All\nRequire all granted\n</Directory>\n", root, root)
	cf := filepath.Join(e.dir, "ht.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(e.Apache, "-d", e.dir, "-f", cf, "-DFOREGROUND")
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	client := &http.Client{Timeout: 5 * time.Second}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for start := time.Now(); ; {
		if resp, err := client.Get(base + "/"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Since(start) > 10*time.Second {
			b, _ := os.ReadFile(logFile)
			return fmt.Errorf("the probe server did not start: %s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, i := range idx {
		resp, err := client.Get(fmt.Sprintf("%s/d%d/index.html", base, i))
		if err != nil {
			// A handler given a dummy value can crash the child; httpd
			// starts another.
			fmt.Fprintf(os.Stderr, "probe: %s in .htaccess: %v\n", dirs[i].Name, err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		resp.Body.Close()
	}
	f, err := os.Open(logFile)
	if err != nil {
		return err
	}
	defer f.Close()
	re := regexp.MustCompile(`/ht/d(\d+)/\.htaccess: (.*)$`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := re.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		if bits := NotInFromMessage(m[2]); bits == 0x20 {
			dirs[i].NotIn |= bits
		}
	}
	return sc.Err()
}
