package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
)

type profilesCmd struct{}

func (cmd *profilesCmd) Run(ctx context.Context, c *agent.TokenPath, e env) error {
	list, err := c.Profiles(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stderr, "No profiles in %s. Create one with: %s login --client-id ID\n", c.ConfigPath(), name)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tCLIENT ID\tTOKEN URL\tAUDIENCE\tHOSTS\tAUTH\tKEYCHAIN")
	for _, st := range list {
		p := st.Profile
		secret := "nothing (run login)"
		switch {
		case st.Err != nil:
			secret = "unknown (keychain unavailable)"
		case st.HasSecret:
			secret = "stored"
		}
		aud := p.AudienceOrDefault()
		if aud == "" {
			aud = "(none)"
		}
		hosts := strings.Join(p.Hosts, ",")
		if hosts == "" {
			hosts = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", st.Name, p.ClientID, p.TokenURLOrDefault(), aud, hosts, config.AuthMethodName(p.AuthMethod), secret)
	}
	return tw.Flush()
}
