package site

import (
	"fmt"
	"net/url"
	"strings"
)

// Config is what makes the site one portal's: its name and texts, and the
// origin its absolute links are built on. The template passes each field as
// a stack parameter (SITE_* environment variables).
type Config struct {
	Name    string // the portal's name: page titles, the header, feeds
	Banner  string // the welcome line above every page
	LogoURL string // the logo image; empty for the embedded emblem
	Agency  string // footer: the agency that runs the portal
	Address string // footer: its address
	Licence string // footer: the licence line
	// BaseURL is the public origin ("https://portal.example.vn") of
	// canonical URLs, feeds and the sitemap. Empty: the request's host, with
	// the scheme API Gateway saw (X-Forwarded-Proto).
	BaseURL string
}

// DemoConfig is the sample portal's configuration: the default of the
// template's parameters and of `make run`.
func DemoConfig() Config {
	return Config{
		Name:    "Trang thông tin điện tử Đảng Bộ tỉnh Quảng Nam",
		Banner:  "Chào mừng bạn đến với Trang thông tin điện tử Đảng Bộ tỉnh Quảng Nam !",
		Agency:  "Cơ quan chủ quản: Tỉnh ủy Quảng Nam",
		Address: "Địa chỉ: thành phố Tam Kỳ, tỉnh Quảng Nam",
		Licence: "Giấy phép số 00/GP-TTĐT (số mẫu, thay khi triển khai)",
	}
}

// ConfigFromEnv reads SITE_NAME, SITE_BANNER, SITE_LOGO_URL, SITE_AGENCY,
// SITE_ADDRESS, SITE_LICENCE and SITE_URL through getenv (os.Getenv), each
// falling back to DemoConfig's value when unset or empty. It fails, naming
// the variable, on a SITE_URL or SITE_LOGO_URL that is not an absolute
// http(s) URL (or, for the logo, a path on this site).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := DemoConfig()
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"SITE_NAME", &c.Name}, {"SITE_BANNER", &c.Banner}, {"SITE_LOGO_URL", &c.LogoURL},
		{"SITE_AGENCY", &c.Agency}, {"SITE_ADDRESS", &c.Address}, {"SITE_LICENCE", &c.Licence},
		{"SITE_URL", &c.BaseURL},
	} {
		if v := strings.TrimSpace(getenv(f.name)); v != "" {
			*f.dst = v
		}
	}
	return c, c.Validate()
}

// Validate checks BaseURL (an origin: scheme and host, no path) and LogoURL.
func (c *Config) Validate() error {
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("SITE_URL: want an origin such as https://portal.example.vn, got %q", c.BaseURL)
		}
		c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	}
	if c.LogoURL != "" && !strings.HasPrefix(c.LogoURL, "/") {
		u, err := url.Parse(c.LogoURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("SITE_LOGO_URL: want an http(s) URL or a path on this site, got %q", c.LogoURL)
		}
	}
	if c.Name == "" {
		return fmt.Errorf("SITE_NAME is empty")
	}
	return nil
}
