package importer

import (
	"encoding/json"
	"strings"
)

type jsonRaw = json.RawMessage

// ModelerKey is the settings.json key of Desktop Modeler's connections.
const ModelerKey = "connectionManagerPlugin.c8connections"

// modelerConnection is one of Desktop Modeler's Camunda 8 connections.
type modelerConnection struct {
	ID                       string `json:"id"`
	Name                     string `json:"name"`
	TargetType               string `json:"targetType"` // camundaCloud or selfHosted
	CamundaCloudClusterURL   string `json:"camundaCloudClusterUrl"`
	CamundaCloudClientID     string `json:"camundaCloudClientId"`
	CamundaCloudClientSecret string `json:"camundaCloudClientSecret"`
	ContactPoint             string `json:"contactPoint"`
	AuthType                 string `json:"authType"` // none, basic or oauth
	ClientID                 string `json:"clientId"`
	ClientSecret             string `json:"clientSecret"`
	OAuthURL                 string `json:"oauthURL"`
	Audience                 string `json:"audience"`
	Scope                    string `json:"scope"`
	BasicAuthPassword        string `json:"basicAuthPassword"`
}

// ParseModeler reads Desktop Modeler's settings.json: each connection
// becomes an entry named after the connection ("Staging Cluster" →
// staging-cluster). SaaS connections use SaaS's token endpoint and the
// cluster audience, as Modeler does.
func ParseModeler(b []byte) ([]Entry, error) {
	var f map[string]jsonRaw
	if err := decode(b, &f); err != nil {
		return nil, err
	}
	raw, ok := f[ModelerKey]
	if !ok {
		return nil, nil
	}
	var conns []modelerConnection
	if err := decode(raw, &conns); err != nil {
		return nil, err
	}
	var out []Entry
	for _, c := range conns {
		name := c.Name
		if strings.TrimSpace(name) == "" {
			name = c.ID
		}
		e := Entry{Source: name, Profile: Slug(name)}
		switch c.TargetType {
		case "camundaCloud":
			e.Auth = AuthOAuth
			e.ClientID, e.Secret = strings.TrimSpace(c.CamundaCloudClientID), c.CamundaCloudClientSecret
			e.TokenURL, e.Audience = SaaSTokenURL, ClusterAudience
			e.APIURL = clusterURL(c.CamundaCloudClusterURL)
		case "selfHosted":
			e.APIURL = clusterURL(c.ContactPoint)
			switch c.AuthType {
			case "oauth":
				e.Auth = AuthOAuth
				e.ClientID, e.Secret = strings.TrimSpace(c.ClientID), c.ClientSecret
				e.TokenURL, e.Audience, e.Scope = strings.TrimSpace(c.OAuthURL), strings.TrimSpace(c.Audience), strings.TrimSpace(c.Scope)
				if e.TokenURL == "" {
					e.Skip = "OAuth without a token URL"
				}
			case "basic":
				e.Auth, e.HasPassword = AuthBasic, c.BasicAuthPassword != ""
			default:
				e.Auth = AuthNone
			}
		default:
			e.Auth, e.Skip = AuthNone, "unknown target type "+quote(c.TargetType)
		}
		defaults(&e)
		if e.Skip == "" {
			e.Skip = skipReason(e.Auth, e.Secret != "")
		}
		out = append(out, e)
	}
	return dedupe(out), nil
}

// clusterURL is a connection's address as an API base URL: Modeler also
// takes a gRPC address (grpcs://host:port, or a bare host:port), which
// becomes https (grpc:// becomes http).
func clusterURL(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), "/")
	switch {
	case s == "":
		return ""
	case strings.HasPrefix(s, "grpcs://"):
		return "https://" + strings.TrimPrefix(s, "grpcs://")
	case strings.HasPrefix(s, "grpc://"):
		return "http://" + strings.TrimPrefix(s, "grpc://")
	case !strings.Contains(s, "://"):
		return "https://" + s
	}
	return s
}
