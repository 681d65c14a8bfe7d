package main

import (
	"crypto/tls"
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"feltsag.dk/feltsag/sync/server"
)

// statsCollector publishes the sync server's counters (server.Stats) in
// Prometheus form. The engine keeps plain counters so that sync/server
// needs no metrics library; this adapter reads them at scrape time.
type statsCollector struct {
	srv   *server.Server
	descs map[string]*prometheus.Desc
}

// metric is one published counter: its name, help and how to read it.
type metric struct {
	name, help string
	gauge      bool
	read       func(server.Stats) int64
}

func metricsOf() []metric {
	return []metric{
		{"connections", "Live websocket connections.", true, func(s server.Stats) int64 { return s.Connections }},
		{"connections_total", "Websocket connections accepted.", false, func(s server.Stats) int64 { return s.ConnectionsTotal }},
		{"logins_total", "Successful sign-ins.", false, func(s server.Stats) int64 { return s.Logins }},
		{"logins_failed_total", "Refused sign-ins.", false, func(s server.Stats) int64 { return s.LoginsFailed }},
		{"auth_failures_total", "Refused upgrades and refreshes.", false, func(s server.Stats) int64 { return s.AuthFailures }},
		{"pushes_total", "Push frames handled.", false, func(s server.Stats) int64 { return s.Pushes }},
		{"commands_applied_total", "Commands applied.", false, func(s server.Stats) int64 { return s.Applied }},
		{"commands_duplicate_total", "Replayed command ids answered with the original result.", false, func(s server.Stats) int64 { return s.Duplicates }},
		{"commands_rejected_total", "Commands a rule or authorisation refused.", false, func(s server.Stats) int64 { return s.Rejected }},
		{"conflicts_total", "Conflicts opened on protected fields.", false, func(s server.Stats) int64 { return s.Conflicts }},
		{"lww_overwrites_total", "Last-writer-wins values overwritten (kept in the audit).", false, func(s server.Stats) int64 { return s.LWWOverwrites }},
		{"pulls_total", "Pull requests answered.", false, func(s server.Stats) int64 { return s.Pulls }},
		{"records_sent_total", "Records sent in changes.", false, func(s server.Stats) int64 { return s.RecordsSent }},
		{"bad_frames_total", "Frames refused by the codec.", false, func(s server.Stats) int64 { return s.BadFrames }},
		{"rate_limited_total", "Connections closed for exceeding the rate limit.", false, func(s server.Stats) int64 { return s.RateLimited }},
		{"replaced_total", "Connections replaced by a newer one of the same device.", false, func(s server.Stats) int64 { return s.Replaced }},
		{"skew_flagged_total", "Commands whose HLC was clamped (device clock ahead).", false, func(s server.Stats) int64 { return s.SkewFlagged }},
		{"audit_records_total", "Audit records received from devices.", false, func(s server.Stats) int64 { return s.AuditRecords }},
		{"audit_broken_total", "Uploaded audit records whose hash chain did not verify.", false, func(s server.Stats) int64 { return s.AuditBroken }},
		{"conflicts_resolved_total", "Conflicts resolved.", false, func(s server.Stats) int64 { return s.Resolved }},
		{"slow_consumers_total", "Connections dropped for not reading.", false, func(s server.Stats) int64 { return s.SlowConsumers }},
		{"internal_errors_total", "Internal errors.", false, func(s server.Stats) int64 { return s.InternalErrors }},
		{"prunes_total", "Prunes of applied command ids and expired sessions run.", false, func(s server.Stats) int64 { return s.Prunes }},
		{"pruned_applied_total", "Applied command ids forgotten after their retention.", false, func(s server.Stats) int64 { return s.PrunedApplied }},
		{"pruned_sessions_total", "Expired sessions deleted.", false, func(s server.Stats) int64 { return s.PrunedSessions }},
		{"handovers_total", "Commands of a previous owner applied after a reassignment and flagged for the new owner.", false, func(s server.Stats) int64 { return s.Handovers }},
		{"sealed_entries_total", "Sealed outbox entries delivered (opened or refused).", false, func(s server.Stats) int64 { return s.SealedEntries }},
	}
}

func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.srv.Stats()
	for _, m := range metricsOf() {
		kind := prometheus.CounterValue
		if m.gauge {
			kind = prometheus.GaugeValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[m.name], kind, float64(m.read(st)))
	}
}

// metricsHandler serves /metrics: the server's counters plus the Go
// runtime's and the process's.
func metricsHandler(srv *server.Server) http.Handler {
	c := &statsCollector{srv: srv, descs: map[string]*prometheus.Desc{}}
	for _, m := range metricsOf() {
		c.descs[m.name] = prometheus.NewDesc("feltsagd_"+m.name, m.help, nil, nil)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(c, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// tlsListener wraps ln in TLS with the transport's configuration.
func tlsListener(ln net.Listener, tr transport) net.Listener { return tls.NewListener(ln, tr.tls) }
