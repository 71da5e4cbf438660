package keystore

import (
	"context"
	"fmt"
	"sync"

	"github.com/godbus/dbus/v5"
)

// On Linux the keychain is the Secret Service, spoken here over a session
// bus connection of our own (go-keyring's takes godbus's shared session
// bus, which finds its address only in the environment, and writes a
// discovered one back there). The items are go-keyring's: attributes
// "service" and "username" in the login collection, so secrets stored by
// earlier versions, secret-tool and go-keyring are the same items.

const (
	ssName       = "org.freedesktop.secrets"
	ssPath       = dbus.ObjectPath("/org/freedesktop/secrets")
	ssService    = "org.freedesktop.Secret.Service"
	ssCollection = "org.freedesktop.Secret.Collection"
	ssItem       = "org.freedesktop.Secret.Item"
	ssSession    = "org.freedesktop.Secret.Session"
	ssPrompt     = "org.freedesktop.Secret.Prompt"
	loginPath    = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	defaultAlias = dbus.ObjectPath("/org/freedesktop/secrets/aliases/default")
)

// ssSecret is the Secret Service's Secret struct.
type ssSecret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// conns holds one connection per bus address, as godbus's shared session
// bus does, so that a process reading several secrets authenticates once.
var conns struct {
	sync.Mutex
	m map[string]*dbus.Conn
}

func connect(ctx context.Context, addr string) (*dbus.Conn, error) {
	conns.Lock()
	c := conns.m[addr]
	conns.Unlock()
	if c != nil && c.Connected() {
		return c, nil
	}
	// Not under the lock: a bus that never answers must not block the
	// next call, which has a deadline of its own. A call that ends while
	// connecting closes the connection, which ends the handshake (the
	// agent lives long: a hung bus must not leave a goroutine and a socket
	// behind on every fetch); one that connected keeps it for the next.
	life, end := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, end)
	c, err := dbus.Connect(addr, dbus.WithContext(life))
	if !stop() {
		if err == nil {
			c.Close()
			err = ctx.Err()
		}
		return nil, err
	}
	if err != nil {
		end()
		return nil, err
	}
	conns.Lock()
	defer conns.Unlock()
	if old := conns.m[addr]; old != nil && old.Connected() {
		c.Close()
		return old, nil
	}
	if conns.m == nil {
		conns.m = map[string]*dbus.Conn{}
	}
	conns.m[addr] = c
	return c, nil
}

// secretService is one call's view of the Secret Service.
type secretService struct {
	ctx  context.Context
	conn *dbus.Conn
}

func openSecretService(ctx context.Context) (*secretService, error) {
	addr, err := dialAddress(ctx)
	if err != nil {
		return nil, err
	}
	c, err := connect(ctx, addr)
	if err != nil {
		return nil, err
	}
	return &secretService{ctx: ctx, conn: c}, nil
}

func (s *secretService) call(obj dbus.ObjectPath, method string, args ...any) *dbus.Call {
	return s.conn.Object(ssName, obj).CallWithContext(s.ctx, method, 0, args...)
}

// backendGet, backendSet and backendDelete are the platform's keychain
// calls (keyring.go runs them under a deadline).
func backendGet(ctx context.Context, service, user string) (string, error) {
	s, err := openSecretService(ctx)
	if err != nil {
		return "", err
	}
	coll, err := s.loginCollection()
	if err != nil {
		return "", err
	}
	item, err := s.find(coll, service, user)
	if err != nil {
		return "", err
	}
	session, err := s.openSession()
	if err != nil {
		return "", err
	}
	defer s.call(session, ssSession+".Close")
	if err := s.unlock(item); err != nil {
		return "", err
	}
	var sec ssSecret
	if err := s.call(item, ssItem+".GetSecret", session).Store(&sec); err != nil {
		return "", err
	}
	return string(sec.Value), nil
}

func backendSet(ctx context.Context, service, user, secret string) error {
	s, err := openSecretService(ctx)
	if err != nil {
		return err
	}
	session, err := s.openSession()
	if err != nil {
		return err
	}
	defer s.call(session, ssSession+".Close")
	coll, err := s.loginCollection()
	if err != nil {
		return err
	}
	if err := s.unlock(coll); err != nil {
		return err
	}
	props := map[string]dbus.Variant{
		ssItem + ".Label":      dbus.MakeVariant(fmt.Sprintf("Password for '%s' on '%s'", user, service)),
		ssItem + ".Attributes": dbus.MakeVariant(attributes(service, user)),
	}
	sec := ssSecret{Session: session, Parameters: []byte{}, Value: []byte(secret), ContentType: "text/plain; charset=utf8"}
	var item, prompt dbus.ObjectPath
	if err := s.call(coll, ssCollection+".CreateItem", props, sec, true).Store(&item, &prompt); err != nil {
		return err
	}
	_, _, err = s.prompt(prompt)
	return err
}

func backendDelete(ctx context.Context, service, user string) error {
	s, err := openSecretService(ctx)
	if err != nil {
		return err
	}
	coll, err := s.loginCollection()
	if err != nil {
		return err
	}
	item, err := s.find(coll, service, user)
	if err != nil {
		return err
	}
	var prompt dbus.ObjectPath
	if err := s.call(item, ssItem+".Delete").Store(&prompt); err != nil {
		return err
	}
	_, _, err = s.prompt(prompt)
	return err
}

func attributes(service, user string) map[string]string {
	return map[string]string{"username": user, "service": service}
}

// loginCollection is the collection named login, else the default alias.
func (s *secretService) loginCollection() (dbus.ObjectPath, error) {
	v, err := s.conn.Object(ssName, ssPath).GetProperty(ssService + ".Collections")
	if err != nil {
		return "", err
	}
	if paths, ok := v.Value().([]dbus.ObjectPath); ok {
		for _, p := range paths {
			if p == loginPath {
				return loginPath, nil
			}
		}
	}
	return defaultAlias, nil
}

// find is the item of service and user in coll (unlocked first), or
// ErrNotFound.
func (s *secretService) find(coll dbus.ObjectPath, service, user string) (dbus.ObjectPath, error) {
	if err := s.unlock(coll); err != nil {
		return "", err
	}
	var items []dbus.ObjectPath
	if err := s.call(coll, ssCollection+".SearchItems", attributes(service, user)).Store(&items); err != nil {
		return "", err
	}
	if len(items) == 0 {
		return "", ErrNotFound
	}
	return items[0], nil
}

func (s *secretService) openSession() (dbus.ObjectPath, error) {
	var out dbus.Variant
	var session dbus.ObjectPath
	err := s.call(ssPath, ssService+".OpenSession", "plain", dbus.MakeVariant("")).Store(&out, &session)
	return session, err
}

// unlock unlocks obj (a collection or an item), through the Secret
// Service's prompt when it has one.
func (s *secretService) unlock(obj dbus.ObjectPath) error {
	var unlocked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := s.call(ssPath, ssService+".Unlock", []dbus.ObjectPath{obj}).Store(&unlocked, &prompt); err != nil {
		return err
	}
	dismissed, result, err := s.prompt(prompt)
	if err != nil {
		return err
	}
	if more, ok := result.Value().([]dbus.ObjectPath); ok && !dismissed {
		unlocked = append(unlocked, more...)
	}
	if len(unlocked) != 1 || (obj != defaultAlias && unlocked[0] != obj) {
		return errLocked
	}
	return nil
}

// prompt runs the Secret Service's prompt at path ("/" is none) and waits
// for its answer (or the call's deadline).
func (s *secretService) prompt(path dbus.ObjectPath) (dismissed bool, result dbus.Variant, err error) {
	result = dbus.MakeVariant("")
	if path == "/" || path == "" {
		return false, result, nil
	}
	match := []dbus.MatchOption{dbus.WithMatchObjectPath(path), dbus.WithMatchInterface(ssPrompt)}
	if err := s.conn.AddMatchSignalContext(s.ctx, match...); err != nil {
		return false, result, err
	}
	defer s.conn.RemoveMatchSignal(match...)
	signals := make(chan *dbus.Signal, 4)
	s.conn.Signal(signals)
	defer s.conn.RemoveSignal(signals)
	if err := s.call(path, ssPrompt+".Prompt", "").Err; err != nil {
		return false, result, err
	}
	for {
		select {
		case sig := <-signals:
			if sig.Path != path || sig.Name != ssPrompt+".Completed" || len(sig.Body) < 2 {
				continue
			}
			dismissed, _ = sig.Body[0].(bool)
			if v, ok := sig.Body[1].(dbus.Variant); ok {
				result = v
			}
			return dismissed, result, nil
		case <-s.ctx.Done():
			return false, result, s.ctx.Err()
		}
	}
}
