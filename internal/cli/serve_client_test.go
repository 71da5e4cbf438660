package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
)

// oauthClient is what a Camunda SDK does with the variables exec --serve
// sets (for the scripts: oauthclient [wrong-secret]): the client-credentials
// grant against CAMUNDA_OAUTH_URL with CAMUNDA_CLIENT_ID and
// CAMUNDA_CLIENT_SECRET in the form, and a default audience. It prints the
// status, the token and expires_in.
func oauthClient() {
	secret := os.Getenv("CAMUNDA_CLIENT_SECRET")
	if len(os.Args) > 1 && os.Args[1] == "wrong-secret" {
		secret += "x"
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {os.Getenv("CAMUNDA_CLIENT_ID")},
		"client_secret": {secret}, "audience": {"zeebe.camunda.io"}}
	resp, err := http.PostForm(os.Getenv("CAMUNDA_OAUTH_URL"), form)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	var v struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&v)
	fmt.Printf("status=%d\ntoken=%s\ntype=%s\nexpires_in=%d\nerror=%s\n", resp.StatusCode, v.AccessToken, v.TokenType, v.ExpiresIn, v.Error)
	if resp.StatusCode != http.StatusOK {
		os.Exit(1)
	}
}
