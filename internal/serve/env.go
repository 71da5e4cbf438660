package serve

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/envfile"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// Start listens on a random port of 127.0.0.1 and serves e until stop is
// called (or ctx ends), to this user's connections only (see guard). url is
// the token endpoint's URL.
func (e *Endpoint) Start(ctx context.Context) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	g := newGuard(ctx, ln)
	e.guard = g
	srv := &http.Server{Handler: e, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout, IdleTimeout: idleTimeout,
		MaxHeaderBytes: maxHeaderBytes, ConnState: g.connState, BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(g); err != nil && !errors.Is(err, http.ErrServerClosed) && e.Log != nil {
			e.Log.Write([]byte(tools.Name + ": serve: " + err.Error() + "\n"))
		}
	}()
	stop = func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}
	return "http://" + ln.Addr().String() + Path, stop, nil
}

// Settings are what a Camunda client needs to use the endpoint.
type Settings struct {
	URL       string // the endpoint
	ClientID  string // the profile's client ID
	Secret    string // the per-run secret
	Audience  string // the profile's audience ("" leaves the variables out)
	APIURL    string // the cluster's REST address ("" leaves it out)
	CacheFile string // where the Java client may write its credentials cache ("" leaves it out)
}

// Vars are the variables that point every Camunda client at the endpoint,
// in a fixed order (see the README's table): the OAuth URL under both
// generations of names, the per-run ID and secret, the audience, the OAUTH
// strategy, the cluster address, and the clients' own token caches turned
// off or pointed at a throwaway file.
func (s Settings) Vars() [][2]string {
	ids, secrets, audiences := envfile.ClusterVars()
	v := [][2]string{{"CAMUNDA_OAUTH_URL", s.URL}, {"ZEEBE_AUTHORIZATION_SERVER_URL", s.URL}}
	v = appendAll(v, ids, s.ClientID)
	v = appendAll(v, secrets, s.Secret)
	v = append(v, [2]string{"CAMUNDA_AUTH_STRATEGY", "OAUTH"}, [2]string{"CAMUNDA_TOKEN_DISK_CACHE_DISABLE", "true"})
	if s.Audience != "" {
		v = appendAll(v, audiences, s.Audience)
	}
	if s.APIURL != "" {
		v = append(v, [2]string{"CAMUNDA_REST_ADDRESS", s.APIURL}, [2]string{"ZEEBE_REST_ADDRESS", s.APIURL},
			[2]string{"CAMUNDA_BASE_URL", s.APIURL})
	}
	if s.CacheFile != "" {
		v = append(v, [2]string{"CAMUNDA_CLIENT_CONFIG_PATH", s.CacheFile}, [2]string{"ZEEBE_CLIENT_CONFIG_PATH", s.CacheFile})
	}
	return v
}

// Format writes vars for a shell: "env" (KEY=value lines), "dotenv"
// (KEY="value"), or "powershell" ($Env:KEY = 'value').
func Format(vars [][2]string, format string) string {
	var b strings.Builder
	for _, kv := range vars {
		switch format {
		case "dotenv":
			b.WriteString(kv[0] + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`).Replace(kv[1]) + "\"\n")
		case "powershell":
			b.WriteString("$Env:" + kv[0] + " = '" + strings.ReplaceAll(kv[1], "'", "''") + "'\n")
		default:
			b.WriteString(kv[0] + "=" + kv[1] + "\n")
		}
	}
	return b.String()
}

// appendAll appends each of names with value.
func appendAll(v [][2]string, names []string, value string) [][2]string {
	for _, n := range names {
		v = append(v, [2]string{n, value})
	}
	return v
}
