package protocol

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// The docker credential helper protocol (docker-credential-helpers), spoken as
// docker-credential-camunda. All output, errors included, goes to stdout;
// failures exit 1.
//
//	get      stdin: the server URL, usually without a newline ("h", "h:5000",
//	         "https://h/v2/", "h/repo"). Answers
//	         {"ServerURL":"<as received>","Username":"...","Secret":"<token>"}.
//	         A host no profile serves (or whose profile has no secret, as
//	         after docker logout) gets exactly
//	         "credentials not found in native keychain", which docker treats
//	         as "no credentials" rather than as an error. So does a URL
//	         whose scheme is not https, or http to a host but a loopback
//	         one (localhost, 127.0.0.0/8, ::1). A bare "h" or "h:5000"
//	         means https; "h" is served only by a pattern without a port
//	         (or with :443), "h:5000" only by a pattern naming 5000.
//	store    stdin: {"ServerURL","Username","Secret"} from docker login, with
//	         the client ID as username and the client secret as password.
//	         The pair is verified and saved for the profile whose host
//	         patterns serve the server URL, as get routes it. A registry no
//	         profile serves is refused before anything is sent anywhere
//	         (docker login to any registry would otherwise hand its
//	         password to a token endpoint): "camunda-credential-helper: no
//	         profile serves HOST; Run: camunda-credential-helper login
//	         --host HOST ..., then docker login again", exit 1. Identity tokens (Username "<token>")
//	         are refused.
//	erase    stdin: the server URL (docker logout). Forgets the secret of
//	         the profile whose host patterns serve it; else does nothing.
//	list     stdin ignored. Answers {"<host>":"<username>",...} for the exact
//	         host patterns of all profiles; wildcard patterns are left out
//	         because docker calls get with each key. If listing fails, list
//	         still answers {} (with a warning on stderr) and exits 0, because
//	         a failing list breaks docker build even for unrelated registries.
//	version  prints "docker-credential-camunda (<module>) <Version>".

// Version is the helper's version, printed by the docker "version" action.
// main sets it.
var Version = "v0.0.0+unknown"

// The docker protocol's fixed strings.
const (
	dockerPackage   = "github.com/camunda-community-hub/camunda-credential-helper"
	dockerNotFound  = "credentials not found in native keychain"
	dockerNoURL     = "no credentials server URL"
	dockerNoUser    = "no credentials username"
	dockerTokenUser = "<token>"
)

// dockerName is the name docker runs the helper under (internal/tools);
// looked up when needed, not at every start-up of the fast front.
func dockerName() string { return tools.Shim("docker") }

func dockerUsage() string { return "Usage: " + dockerName() + " <store|get|erase|list|version>" }

// dockerCredentials is the JSON of get and store, with docker's key casing.
type dockerCredentials struct {
	ServerURL string
	Username  string
	Secret    string
}

// Docker answers one docker credential helper request (see above).
func Docker(ctx context.Context, r Registry, action string, s Stdio) int {
	var msg string
	switch action {
	case "get":
		return dockerGet(ctx, r, s)
	case "store":
		msg = dockerStore(ctx, r, s)
	case "erase":
		msg = dockerErase(ctx, r, s)
	case "list":
		return dockerList(ctx, r, s)
	case "version", "--version", "-v":
		fmt.Fprintf(s.Out, "%s (%s) %s\n", dockerName(), dockerPackage, Version)
		return 0
	case "--help", "-h":
		fmt.Fprintln(s.Out, dockerUsage())
		return 0
	case "":
		msg = dockerUsage()
	default:
		msg = fmt.Sprintf("%s: unknown action: %s", dockerName(), oneLine(action))
	}
	if msg == "" {
		return 0
	}
	fmt.Fprintln(s.Out, msg)
	return 1
}

func dockerGet(ctx context.Context, r Registry, s Stdio) int {
	b, err := readInput(s.In)
	if err != nil {
		return dockerFail(s, progName+": "+err.Error())
	}
	serverURL := strings.TrimSpace(string(b))
	if serverURL == "" {
		return dockerFail(s, dockerNoURL)
	}
	tok, err := token(ctx, r, credential.Request{Resource: serverURL})
	if k := credential.KindOf(err); k == credential.KindNoRoute || k == credential.KindNotLoggedIn {
		// After docker logout (erase) the profile remains without a
		// secret: docker then goes on anonymously, as with any other
		// registry it has no credentials for.
		return dockerFail(s, dockerNotFound)
	}
	if err != nil {
		return dockerFail(s, progName+": "+oneLine(Explain(err)))
	}
	if writeJSON(s.Out, dockerCredentials{serverURL, tok.Username, tok.AccessToken}) != nil {
		return 1
	}
	return 0
}

func dockerFail(s Stdio, msg string) int {
	fmt.Fprintln(s.Out, msg)
	return 1
}

// dockerStore returns the failure message, or "".
func dockerStore(ctx context.Context, r Registry, s Stdio) string {
	b, err := readInput(s.In)
	if err != nil {
		return progName + ": " + err.Error()
	}
	var c dockerCredentials
	if err := json.Unmarshal(b, &c); err != nil {
		return progName + ": invalid credentials JSON: " + oneLine(err.Error())
	}
	switch {
	case c.ServerURL == "":
		return dockerNoURL
	case c.Username == "":
		return dockerNoUser
	case c.Username == dockerTokenUser:
		return progName + ": identity tokens are not supported: log in with the client ID as username and the client secret as password"
	case c.Secret == "":
		return progName + ": empty client secret: log in with the client secret as password"
	}
	serverURL := strings.TrimSpace(c.ServerURL)
	if _, err := route.ParseTarget(serverURL); err != nil {
		return progName + ": " + oneLine(err.Error())
	}
	if err := r.LoginRegistry(ctx, serverURL, c.Username, c.Secret); err != nil {
		msg := Explain(err)
		if credential.Classify(err).Missing == credential.MissingHost {
			msg += ", then docker login again"
		}
		return progName + ": " + oneLine(redact(msg, c.Secret))
	}
	return ""
}

// dockerErase returns the failure message, or "".
func dockerErase(ctx context.Context, r Registry, s Stdio) string {
	b, err := readInput(s.In)
	if err != nil {
		return progName + ": " + err.Error()
	}
	serverURL := strings.TrimSpace(string(b))
	if serverURL == "" {
		return dockerNoURL
	}
	if _, err := route.ParseTarget(serverURL); err != nil {
		return progName + ": " + oneLine(err.Error())
	}
	if err := r.LogoutRegistry(ctx, serverURL); err != nil && !isNoRoute(err) {
		return progName + ": " + oneLine(Explain(err))
	}
	return ""
}

func dockerList(ctx context.Context, r Registry, s Stdio) int {
	drain(s.In)
	hosts, err := r.Hosts(ctx)
	if err != nil {
		printError(s.Err, fmt.Errorf("list: %w", err))
		hosts = nil
	}
	out := map[string]string{}
	for pattern, user := range hosts {
		if !strings.HasPrefix(pattern, "*") {
			out[pattern] = user
		}
	}
	if writeJSON(s.Out, out) != nil {
		return 1
	}
	return 0
}

// redact removes secret from msg, also in its Go-quoted form. The core never
// puts a secret in an error; this is a second line of defence.
func redact(msg, secret string) string {
	quoted := strconv.Quote(secret)
	msg = strings.ReplaceAll(msg, quoted[1:len(quoted)-1], "[redacted]")
	return strings.ReplaceAll(msg, secret, "[redacted]")
}
