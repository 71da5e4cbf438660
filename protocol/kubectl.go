package protocol

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// The client-go exec credential plugin protocol (kubectl, and any client-go
// program with a kubeconfig users[].user.exec entry).
//
// stdin is never read. KUBERNETES_EXEC_INFO holds the ExecCredential that
// client-go sends; only its apiVersion is used, and the answer echoes it:
// client.authentication.k8s.io/v1 or v1beta1 (v1beta1 when the variable is
// absent or empty; anything else, v1alpha1 included, is an error). The token
// comes from the profile the core selects (--profile or the default):
//
//	{"kind":"ExecCredential","apiVersion":"<same>","spec":{},
//	 "status":{"token":"...","expirationTimestamp":"2026-01-01T12:00:00Z"}}
//
// expirationTimestamp is the helper's own refresh time, so client-go runs the
// plugin again before the token really expires; it is absent when the token
// has no expiry. Errors go to stderr with exit status 1.

// The ExecCredential API versions client-go accepts.
const (
	ExecCredentialV1 = "client.authentication.k8s.io/v1"
	execV1beta1      = "client.authentication.k8s.io/v1beta1"
)

// execCredential is the plugin's answer. Field order is the wire order.
type execCredential struct {
	Kind       string     `json:"kind"`
	APIVersion string     `json:"apiVersion"`
	Spec       struct{}   `json:"spec"`
	Status     execStatus `json:"status"`
}

type execStatus struct {
	Token               string `json:"token"`
	ExpirationTimestamp string `json:"expirationTimestamp,omitempty"`
}

// Kubectl answers one exec credential plugin call (see above). getenv looks
// up KUBERNETES_EXEC_INFO; nil means an empty environment.
func Kubectl(ctx context.Context, src credential.Source, getenv func(string) string, s Stdio) int {
	var info string
	if getenv != nil {
		info = getenv("KUBERNETES_EXEC_INFO")
	}
	apiVersion, err := parseExecInfo(info)
	if err != nil {
		printError(s.Err, err)
		return 1
	}
	tok, err := token(ctx, src, credential.Request{})
	if err != nil {
		printError(s.Err, err)
		return 1
	}
	out := execCredential{Kind: "ExecCredential", APIVersion: apiVersion}
	out.Status.Token = tok.AccessToken
	if !tok.RefreshAt.IsZero() { // kubectl runs the plugin again after it, when the helper would fetch another
		out.Status.ExpirationTimestamp = rfc3339(tok.RefreshAt)
	}
	if writeJSON(s.Out, out) != nil {
		return 1
	}
	return 0
}

// parseExecInfo returns the apiVersion to answer with.
func parseExecInfo(info string) (string, error) {
	info = strings.TrimSpace(info)
	if info == "" {
		return execV1beta1, nil
	}
	if len(info) > MaxInput {
		return "", fmt.Errorf("KUBERNETES_EXEC_INFO is larger than %d bytes", MaxInput)
	}
	var in struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
	}
	if err := json.Unmarshal([]byte(info), &in); err != nil {
		return "", fmt.Errorf("KUBERNETES_EXEC_INFO is not valid ExecCredential JSON: %v", err)
	}
	if in.Kind != "" && in.Kind != "ExecCredential" {
		return "", fmt.Errorf("KUBERNETES_EXEC_INFO has kind %q; want ExecCredential", in.Kind)
	}
	switch in.APIVersion {
	case ExecCredentialV1, execV1beta1:
		return in.APIVersion, nil
	}
	return "", fmt.Errorf("KUBERNETES_EXEC_INFO has apiVersion %q; set the kubeconfig exec apiVersion to %s or %s", in.APIVersion, ExecCredentialV1, execV1beta1)
}
