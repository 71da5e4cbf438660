package agent

import (
	"reflect"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
)

// The core's methods the token path wraps: those that withdraw a token,
// each of which TestWithdrawReachesAgent checks tells a running agent, and
// those that withdraw nothing.
var (
	withdrawing = []string{"Drop", "Login", "LoginProfile", "Logout", "LoginRegistry", "LogoutRegistry"}
	readOnly    = []string{"Token", "Profiles", "PublicKey", "Hosts", "Config", "ProfileName"}
)

// TestTokenPathWrapsCore: the token path neither embeds the core nor hands
// it out, so no core method reaches a caller without a wrapper written in
// tokenpath.go, and a wrapper this test does not know fails it until someone
// decides whether it withdraws a token (then it must tell the agent, and
// join TestWithdrawReachesAgent). DropProfile, which would drop the file
// cache behind a running agent's back, is not reachable at all.
func TestTokenPathWrapsCore(t *testing.T) {
	core := reflect.TypeOf(&helper.Core{})
	st := reflect.TypeOf(TokenPath{})
	for i := 0; i < st.NumField(); i++ {
		if f := st.Field(i); f.Anonymous || (f.IsExported() && f.Type == core) {
			t.Errorf("TokenPath.%s is the core (embedded or exported): its methods would bypass the agent", f.Name)
		}
	}
	known := map[string]bool{}
	for _, n := range append(append([]string{}, withdrawing...), readOnly...) {
		known[n] = true
	}
	tp := reflect.TypeOf(&TokenPath{})
	for i := 0; i < tp.NumMethod(); i++ {
		name := tp.Method(i).Name
		if _, isCore := core.MethodByName(name); isCore && !known[name] {
			t.Errorf("TokenPath.%s is a core method this test does not know: if it withdraws a token it must tell the agent; list it", name)
		}
	}
	for _, name := range withdrawing {
		if _, ok := tp.MethodByName(name); !ok {
			t.Errorf("TokenPath has no %s", name)
		}
	}
	if _, ok := tp.MethodByName("DropProfile"); ok {
		t.Error("TokenPath.DropProfile drops tokens without telling the agent")
	}
}
