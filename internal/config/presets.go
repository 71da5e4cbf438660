package config

import (
	"fmt"
	"sort"
	"strings"
)

// Preset is what login --api fills in for one of Camunda's SaaS APIs: the
// audience its tokens need, and the cheap call `check` makes by default.
type Preset struct {
	Audience string
	BaseURL  string // "" when it depends on the cluster (give --api-url)
	Method   string
	Path     string
	Body     string
}

// Presets are Camunda SaaS's APIs (see the README's table).
var Presets = map[string]Preset{
	"modeler":  {Audience: "api.cloud.camunda.io", BaseURL: "https://modeler.cloud.camunda.io", Method: "GET", Path: "/api/v1/info"},
	"admin":    {Audience: "api.cloud.camunda.io", BaseURL: "https://api.cloud.camunda.io", Method: "GET", Path: "/clusters"},
	"zeebe":    {Audience: "zeebe.camunda.io", Method: "GET", Path: "/v2/topology"},
	"operate":  {Audience: "operate.camunda.io", Method: "POST", Path: "/v1/process-definitions/search", Body: `{"size":1}`},
	"tasklist": {Audience: "tasklist.camunda.io", Method: "POST", Path: "/v1/tasks/search", Body: `{}`},
	"optimize": {Audience: "optimize.camunda.io", Method: "GET", Path: "/api/public/dashboard?collectionId=0"},
}

// PresetNames lists the presets, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(Presets))
	for n := range Presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// CheckTarget returns the method, URL and body `check` uses for a profile
// when the user names no URL: the profile's API preset (default modeler)
// against its api_url (default the preset's SaaS base).
func CheckTarget(p *Profile) (method, url, body string, err error) {
	api := p.API
	if api == "" {
		api = "modeler"
	}
	pr, ok := Presets[api]
	if !ok {
		return "", "", "", fmt.Errorf("unknown api %q (want one of %s)", api, strings.Join(PresetNames(), ", "))
	}
	base := strings.TrimRight(p.APIURL, "/")
	if base == "" {
		base = pr.BaseURL
	}
	if base == "" {
		return "", "", "", fmt.Errorf("the %s API's address depends on the cluster: set it with login --api-url https://<region>.%s.camunda.io/<cluster-id>", api, api)
	}
	return pr.Method, base + pr.Path, pr.Body, nil
}
