package apacheconf_test

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf"
)

func TestReadEnvvars(t *testing.T) {
	none := func(string) (string, bool) { return "", false }
	env, err := apacheconf.ReadEnvvars(os.DirFS("examples/debian"), "/etc/apache2/envvars", none)
	require.NoError(t, err)
	assert.Equal(t, apacheconf.Env{
		"APACHE_RUN_USER": "www-data", "APACHE_RUN_GROUP": "www-data",
		"APACHE_PID_FILE": "/var/run/apache2/apache2.pid", "APACHE_RUN_DIR": "/var/run/apache2",
		"APACHE_LOCK_DIR": "/var/lock/apache2", "APACHE_LOG_DIR": "/var/log/apache2",
		"LANG": "C",
	}, env)

	fsys := fstest.MapFS{"envvars": {Data: []byte("A='x y'\nexport B=\"$A-${C}\" # note\nD=$NOPE\n")}}
	env, err = apacheconf.ReadEnvvars(fsys, "/envvars", func(k string) (string, bool) { return map[string]string{"C": "c"}[k], k == "C" })
	require.NoError(t, err)
	assert.Equal(t, apacheconf.Env{"A": "x y", "B": "x y-c", "D": ""}, env)

	_, err = apacheconf.ReadEnvvars(fstest.MapFS{"e": {Data: []byte("A=${B:-x}\n")}}, "/e", none)
	assert.ErrorContains(t, err, "/e:1: ${B:-x}: only plain ${NAME} is read")
	_, err = apacheconf.ReadEnvvars(fsys, "/missing", none)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func FuzzReadEnvvars(f *testing.F) {
	f.Add("export A=1\nB=\"$A ${A}\"\nif x; then\nC=2\nfi\n")
	f.Add("A=${\nB='\n")
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = apacheconf.ReadEnvvars(fstest.MapFS{"e": {Data: []byte(src)}}, "/e", func(string) (string, bool) { return "", false })
	})
}
