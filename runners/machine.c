/*
 * The machine and its state during a point (see machine.h).  Everything
 * here reads /proc and /sys; a file that is not there (a container, a
 * kernel without cpufreq) leaves its field empty rather than failing.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "machine.h"
#include "results.h"

/* ---- small readers ---- */

/* @src into @dst, cut to fit: these are descriptions, never keys. */
static void set_str(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);

	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = '\0';
}

/* The first line of @path, without its newline; -1 if unreadable. */
static int read_first_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return -1;
	if (!fgets(buf, (int)n, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? 0 : -1;
}

/* "always [madvise] never" -> "madvise" */
static void read_bracketed(const char *path, char *buf, size_t n)
{
	char line[256], *a, *b;

	buf[0] = '\0';
	if (read_first_line(path, line, sizeof(line)))
		return;
	a = strchr(line, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b) {
		*b = '\0';
		set_str(buf, n, a + 1);
	} else {
		set_str(buf, n, line);
	}
}

static bool cpuinfo_has_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "flags", 5))
			continue;
		for (p = strtok(strchr(line, ':') ? strchr(line, ':') + 1 : line, " \n"); p;
		     p = strtok(NULL, " \n"))
			found |= !strcmp(p, flag);
		break;
	}
	fclose(f);
	return found;
}

/*
 * The hypervisor, by the signature CPUID leaf 0x40000000 returns when the
 * "hypervisor" flag (CPUID.1:ECX[31]) is set, as the kernel's own
 * detect_hypervisor_vendor() reads it.
 */
static void hypervisor(char *buf, size_t n)
{
	static const char *const known[][2] = {
		{ "KVMKVMKVM", "KVM" }, { "Microsoft Hv", "Hyper-V" },
		{ "VMwareVMware", "VMware" }, { "XenVMMXenVMM", "Xen" },
		{ "TCGTCGTCGTCG", "QEMU (TCG)" }, { "ACRNACRNACRN", "ACRN" },
		{ "bhyve bhyve ", "bhyve" }, { " lrpepyh  vr", "Parallels" },
		{ "VBoxVBoxVBox", "VirtualBox" },
	};
	char line[64];

	if (!cpuinfo_has_flag("hypervisor")) {
		/* not x86, or bare metal: Xen and some others say so in sysfs */
		if (!read_first_line("/sys/hypervisor/type", line, sizeof(line)))
			set_str(buf, n, line);
		else
			snprintf(buf, n, "none");
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned int a, b, c, d;
		char sig[13];
		size_t i;

		__cpuid(0x40000000, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = '\0';
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
			if (!strncmp(sig, known[i][0], strlen(known[i][0]))) {
				snprintf(buf, n, "%s", known[i][1]);
				return;
			}
		}
		for (i = 0; i < 12; i++)
			if (!isprint((unsigned char)sig[i]))
				sig[i] = '?';
		snprintf(buf, n, "yes (signature '%s')", sig);
	}
#else
	snprintf(buf, n, "yes");
#endif
}

static void read_vulnerabilities(struct machine_info *m)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	struct dirent **ents;
	int n, i;

	n = scandir(dir, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char path[512];

		if (ents[i]->d_name[0] != '.' && m->nvulns < MACHINE_VULNS) {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			if (!read_first_line(path, m->vuln_state[m->nvulns],
					     sizeof(m->vuln_state[0]))) {
				set_str(m->vuln_name[m->nvulns], sizeof(m->vuln_name[0]),
					ents[i]->d_name);
				m->nvulns++;
			}
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static void read_meminfo(struct machine_info *m)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long v;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %llu kB", &v) == 1)
			m->mem_total_kib = v;
		else if (sscanf(line, "MemAvailable: %llu kB", &v) == 1)
			m->mem_available_kib = v;
	}
	fclose(f);
}

static int read_loadavg(double *l)
{
	FILE *f = fopen("/proc/loadavg", "r");
	int ok;

	l[0] = l[1] = l[2] = 0;
	if (!f)
		return -1;
	ok = fscanf(f, "%lf %lf %lf", &l[0], &l[1], &l[2]) == 3;
	fclose(f);
	return ok ? 0 : -1;
}

/* The current frequency of PU @cpu in MHz, or -1. */
static double cpu_mhz(int cpu)
{
	char path[128], line[256];
	FILE *f;
	double mhz = -1;
	int proc = -1;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", cpu);
	if (!read_first_line(path, line, sizeof(line)))
		return atof(line) / 1000.0;
	/* no cpufreq (a guest, usually): what /proc/cpuinfo says */
	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "processor : %d", &proc) == 1)
			continue;
		if (proc == cpu && sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	}
	fclose(f);
	return mhz;
}

void machine_user(char *buf, size_t n)
{
	uid_t uid = getuid();
	struct passwd *pw = getpwuid(uid);

	snprintf(buf, n, "%s (uid %u)", pw ? pw->pw_name : "?", (unsigned int)uid);
}

/* ---- what the machine is ---- */

void machine_info_collect(struct machine_info *m)
{
	const char *cf = "/sys/devices/system/cpu/cpu0/cpufreq";
	char path[256], line[64];

	memset(m, 0, sizeof(*m));
	hypervisor(m->hypervisor, sizeof(m->hypervisor));
	snprintf(path, sizeof(path), "%s/scaling_driver", cf);
	read_first_line(path, m->cpufreq_driver, sizeof(m->cpufreq_driver));
	snprintf(path, sizeof(path), "%s/scaling_governor", cf);
	read_first_line(path, m->cpufreq_governor, sizeof(m->cpufreq_governor));
	m->cpu_mhz = cpu_mhz(0);
	read_first_line("/sys/devices/system/cpu/smt/control", m->smt, sizeof(m->smt));
	m->smt_active = read_first_line("/sys/devices/system/cpu/smt/active", line, sizeof(line))
			? -1 : atoi(line) != 0;
	read_bracketed("/sys/kernel/mm/transparent_hugepage/enabled", m->thp, sizeof(m->thp));
	read_bracketed("/sys/kernel/mm/transparent_hugepage/defrag", m->thp_defrag,
		       sizeof(m->thp_defrag));
	read_first_line("/proc/cmdline", m->cmdline, sizeof(m->cmdline));
	read_vulnerabilities(m);
	read_meminfo(m);
	read_loadavg(m->loadavg);
	machine_user(m->user, sizeof(m->user));
}

static void json_str_or_null(FILE *f, const char *s)
{
	if (s[0])
		json_string(f, s);
	else
		fputs("null", f);
}

static void json_num_or_null(FILE *f, double v)
{
	if (v >= 0)
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

void machine_info_json(FILE *f, const struct machine_info *m, const char *indent)
{
	int i;

	fprintf(f, "%s\"machine\": {\"hypervisor\": ", indent);
	json_string(f, m->hypervisor);
	fputs(", \"cpufreq_driver\": ", f);
	json_str_or_null(f, m->cpufreq_driver);
	fputs(", \"cpufreq_governor\": ", f);
	json_str_or_null(f, m->cpufreq_governor);
	fputs(", \"cpu_mhz\": ", f);
	json_num_or_null(f, m->cpu_mhz);
	fputs(", \"smt\": ", f);
	json_str_or_null(f, m->smt);
	fprintf(f, ", \"smt_active\": %s", m->smt_active < 0 ? "null" :
		m->smt_active ? "true" : "false");
	fputs(", \"thp\": ", f);
	json_str_or_null(f, m->thp);
	fputs(", \"thp_defrag\": ", f);
	json_str_or_null(f, m->thp_defrag);
	fputs(",\n" , f);
	fprintf(f, "%s  \"cmdline\": ", indent);
	json_string(f, m->cmdline);
	fprintf(f, ",\n%s  \"vulnerabilities\": {", indent);
	for (i = 0; i < m->nvulns; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", m->vuln_name[i]);
		json_string(f, m->vuln_state[i]);
	}
	fprintf(f, "},\n%s  \"mem_total_kib\": %" PRIu64 ", \"mem_available_kib\": %" PRIu64
		", \"loadavg\": [%.2f, %.2f, %.2f], \"user\": ", indent, m->mem_total_kib,
		m->mem_available_kib, m->loadavg[0], m->loadavg[1], m->loadavg[2]);
	json_string(f, m->user);
	fputc('}', f);
}

/* How many of the kernel's mitigations are on, and how many are not needed. */
static void vuln_summary(const struct machine_info *m, int *mitigated, int *vulnerable)
{
	int i;

	*mitigated = *vulnerable = 0;
	for (i = 0; i < m->nvulns; i++) {
		*mitigated += !strncmp(m->vuln_state[i], "Mitigation", 10);
		*vulnerable += !strncmp(m->vuln_state[i], "Vulnerable", 10);
	}
}

void machine_info_print(FILE *f, const struct machine_info *m)
{
	int mit, vul;

	vuln_summary(m, &mit, &vul);
	fprintf(f, "  machine      %s%s, SMT %s, THP %s, cpufreq %s", m->hypervisor,
		strcmp(m->hypervisor, "none") ? " guest" : " (bare metal)",
		m->smt[0] ? m->smt : "?", m->thp[0] ? m->thp : "?",
		m->cpufreq_driver[0] ? m->cpufreq_driver : "none");
	if (m->cpufreq_governor[0])
		fprintf(f, "/%s", m->cpufreq_governor);
	if (m->cpu_mhz > 0)
		fprintf(f, " %.0f MHz", m->cpu_mhz);
	fprintf(f, ", %d mitigation%s on, %d vulnerable; %.1f GiB, %.1f available\n", mit,
		mit == 1 ? "" : "s", vul, (double)m->mem_total_kib / 1048576.0,
		(double)m->mem_available_kib / 1048576.0);
}

/* ---- what it did during a point ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* "0-3,6" into OS indexes; the count, or -1. */
static int parse_list(const char *s, int **out)
{
	int n = 0, cap = 16, a, b, k;
	char *end;

	*out = malloc((size_t)cap * sizeof(int));
	while (*out && *s) {
		a = (int)strtol(s, &end, 10);
		if (end == s)
			break;
		b = a;
		s = end;
		if (*s == '-') {
			b = (int)strtol(s + 1, &end, 10);
			s = end;
		}
		for (k = a; k <= b; k++) {
			if (n == cap) {
				int *grown = realloc(*out, (size_t)(cap *= 2) * sizeof(int));

				if (!grown)
					return -1;
				*out = grown;
			}
			(*out)[n++] = k;
		}
		if (*s == ',')
			s++;
	}
	return *out ? n : -1;
}

/*
 * Per allowed PU its busy, idle and stolen ticks, and the machine's
 * runnable tasks; 0 or -1.  busy is user + nice + system + irq + softirq
 * (guest time is already inside user), idle is idle + iowait.
 */
static int read_proc_stat(const struct machine_sampler *s, uint64_t (*ticks)[3], int *running)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	int found = 0;

	if (!f)
		return -1;
	*running = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long u, ni, sy, id, io, irq, sirq, st = 0;
		int cpu, i;

		if (sscanf(line, "procs_running %d", running) == 1)
			continue;
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &u, &ni, &sy,
			   &id, &io, &irq, &sirq, &st) < 8)
			continue;
		for (i = 0; i < s->nallowed; i++) {
			if (s->allowed[i] != cpu)
				continue;
			ticks[i][0] = u + ni + sy + irq + sirq;
			ticks[i][1] = id + io;
			ticks[i][2] = st;
			found++;
		}
	}
	fclose(f);
	return found == s->nallowed ? 0 : -1;
}

/* Whether the task whose stat file is @path is running ("tid (comm) S ..."). */
static bool task_running(const char *path)
{
	char buf[512], *paren;

	if (read_first_line(path, buf, sizeof(buf)))
		return false;
	/* the state follows the last parenthesis */
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == 'R';
}

/* Our threads that are runnable now, this one included, and our worker processes. */
static int our_running(const struct machine_sampler *s)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	char path[300];
	int n = 0, i;

	for (i = 0; s->procs && i < s->nthreads; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)s->procs[i]);
		n += task_running(path);
	}
	if (!d)
		return n;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
		n += task_running(path);
	}
	closedir(d);
	return n;
}

static int runnable_others(const struct machine_sampler *s, int running)
{
	int ours = our_running(s);

	return running > ours ? running - ours : 0;
}

static void thread_cpu(const struct machine_sampler *s, uint64_t *out)
{
	int i;

	for (i = 0; i < s->nthreads; i++) {
		struct timespec ts;

		out[i] = 0;
		if (!clock_gettime(s->clocks[i], &ts))
			out[i] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
}

static void sampler_free(struct machine_sampler *s)
{
	free(s->allowed);
	free(s->used);
	free(s->thread_pu);
	free(s->clocks);
	free(s->procs);
	free(s->cpu0);
	free(s->cpu_tick);
	free(s->ticks0);
	free(s->ticks_tick);
	memset(s, 0, sizeof(*s));
}

void machine_begin(struct machine_sampler *s, struct machine_state *out, const char *allowed,
		   const int *thread_pu, const clockid_t *clocks, const pid_t *procs, int n,
		   int max_rows)
{
	int running = 0, i, k;

	memset(s, 0, sizeof(*s));
	memset(out, 0, sizeof(*out));
	s->nallowed = parse_list(allowed, &s->allowed);
	s->nthreads = n;
	s->used = calloc((size_t)(s->nallowed > 0 ? s->nallowed : 1), sizeof(int));
	s->thread_pu = calloc((size_t)n, sizeof(int));
	s->clocks = calloc((size_t)n, sizeof(clockid_t));
	s->procs = procs ? calloc((size_t)n, sizeof(pid_t)) : NULL;
	s->cpu0 = calloc((size_t)n, sizeof(uint64_t));
	s->cpu_tick = calloc((size_t)n, sizeof(uint64_t));
	s->ticks0 = calloc((size_t)(s->nallowed > 0 ? s->nallowed : 1), sizeof(*s->ticks0));
	s->ticks_tick = calloc((size_t)(s->nallowed > 0 ? s->nallowed : 1),
			       sizeof(*s->ticks_tick));
	out->rows = calloc((size_t)(max_rows > 0 ? max_rows : 1), sizeof(*out->rows));
	out->pus = calloc((size_t)(s->nallowed > 0 ? s->nallowed : 1), sizeof(*out->pus));
	if (s->nallowed <= 0 || !s->used || !s->thread_pu || !s->clocks || (procs && !s->procs) || !s->cpu0 ||
	    !s->cpu_tick || !s->ticks0 || !s->ticks_tick || !out->rows || !out->pus)
		goto fail;
	memcpy(s->clocks, clocks, (size_t)n * sizeof(clockid_t));
	if (procs)
		memcpy(s->procs, procs, (size_t)n * sizeof(pid_t));
	/* the PUs the point runs on: every allowed one if its threads are unbound */
	for (i = 0; i < n; i++) {
		s->thread_pu[i] = -1;
		for (k = 0; k < s->nallowed; k++)
			if (thread_pu[i] == s->allowed[k])
				s->thread_pu[i] = k;
	}
	for (k = 0; k < s->nallowed; k++) {
		bool used = false;

		for (i = 0; i < n; i++)
			used |= s->thread_pu[i] == k || s->thread_pu[i] < 0;
		if (used)
			s->used[s->nused++] = k;
	}
	if (read_proc_stat(s, s->ticks0, &running))
		goto fail;
	read_loadavg(out->load_before);
	out->runnable_before = runnable_others(s, running);
	thread_cpu(s, s->cpu0);
	memcpy(s->cpu_tick, s->cpu0, (size_t)n * sizeof(uint64_t));
	memcpy(s->ticks_tick, s->ticks0, (size_t)s->nallowed * sizeof(*s->ticks0));
	s->t0 = s->t_tick = now_ns();
	s->out = out;
	s->max_rows = max_rows;
	return;
fail:
	machine_state_free(out);
	sampler_free(s);
}

/*
 * The shares of one window, from ticks @a to @b and thread CPU times
 * @ca to @cb: per used PU into @pus (if not NULL), their means into
 * @foreign and @steal, the worst PU's foreign share into @fmax, and the
 * share of every allowed PU's time that was neither ours nor idle into
 * @machine.
 */
static void shares(const struct machine_sampler *s, uint64_t (*a)[3], uint64_t (*b)[3],
		   const uint64_t *ca, const uint64_t *cb, struct pu_share *pus,
		   double *foreign, double *steal, double *fmax, double *machine)
{
	double hz = (double)sysconf(_SC_CLK_TCK), unbound = 0, all_busy = 0, all_total = 0;
	double all_ours = 0;
	int i, k, u;

	*foreign = *steal = *fmax = *machine = 0;
	for (i = 0; i < s->nthreads; i++) {
		/* a thread that failed to start has no clock left: 0 */
		double sec = cb[i] > ca[i] ? (double)(cb[i] - ca[i]) / 1e9 : 0;

		all_ours += sec;
		if (s->thread_pu[i] < 0)
			unbound += sec;
	}
	for (k = 0; k < s->nallowed; k++) {
		all_busy += (double)(b[k][0] - a[k][0]) / hz;
		all_total += (double)(b[k][0] - a[k][0] + b[k][1] - a[k][1] + b[k][2] - a[k][2]) / hz;
	}
	for (u = 0; u < s->nused; u++) {
		double busy, idle, st, total, ours = unbound / s->nused, f;

		k = s->used[u];
		busy = (double)(b[k][0] - a[k][0]) / hz;
		idle = (double)(b[k][1] - a[k][1]) / hz;
		st = (double)(b[k][2] - a[k][2]) / hz;
		total = busy + idle + st;
		for (i = 0; i < s->nthreads; i++)
			if (s->thread_pu[i] == k && cb[i] > ca[i])
				ours += (double)(cb[i] - ca[i]) / 1e9;
		if (total <= 0)
			continue;
		/* our threads' clocks and the tick counts disagree by a tick or so */
		f = busy > ours ? (busy - ours) / total : 0;
		if (pus) {
			pus[u].pu = s->allowed[k];
			pus[u].ours = ours / total > 1 ? 1 : ours / total;
			pus[u].foreign = f;
			pus[u].steal = st / total;
			pus[u].idle = idle / total;
		}
		*foreign += f / s->nused;
		*steal += st / total / s->nused;
		if (f > *fmax)
			*fmax = f;
	}
	if (all_total > 0 && all_busy > all_ours)
		*machine = (all_busy - all_ours) / all_total;
}

void machine_tick(struct machine_sampler *s)
{
	uint64_t (*ticks)[3];
	uint64_t *cpu;
	double f, st, fmax, mach;
	int running, r;

	if (!s->out || s->out->seconds >= s->max_rows)
		return;
	ticks = calloc((size_t)s->nallowed, sizeof(*ticks));
	cpu = calloc((size_t)s->nthreads, sizeof(*cpu));
	if (!ticks || !cpu || read_proc_stat(s, ticks, &running)) {
		free(ticks);
		free(cpu);
		return;
	}
	thread_cpu(s, cpu);
	shares(s, s->ticks_tick, ticks, s->cpu_tick, cpu, NULL, &f, &st, &fmax, &mach);
	r = runnable_others(s, running);
	s->runnable_sum += r;
	s->runnable_n++;
	if (r > s->out->runnable_max)
		s->out->runnable_max = r;
	s->out->rows[s->out->seconds][0] = r;
	s->out->rows[s->out->seconds][1] = f;
	s->out->rows[s->out->seconds][2] = st;
	s->out->seconds++;
	memcpy(s->ticks_tick, ticks, (size_t)s->nallowed * sizeof(*ticks));
	memcpy(s->cpu_tick, cpu, (size_t)s->nthreads * sizeof(*cpu));
	free(ticks);
	free(cpu);
}

void machine_end(struct machine_sampler *s)
{
	struct machine_state *out = s->out;
	uint64_t (*ticks)[3] = NULL;
	uint64_t *cpu = NULL;
	int running, u, r;

	if (!out)
		goto done;
	ticks = calloc((size_t)s->nallowed, sizeof(*ticks));
	cpu = calloc((size_t)s->nthreads, sizeof(*cpu));
	if (!ticks || !cpu || read_proc_stat(s, ticks, &running)) {
		machine_state_free(out);
		goto done;
	}
	thread_cpu(s, cpu);
	read_loadavg(out->load_after);
	r = runnable_others(s, running);
	out->runnable_after = r;
	if (r > out->runnable_max)
		out->runnable_max = r;
	if (out->runnable_before > out->runnable_max)
		out->runnable_max = out->runnable_before;
	/* the mean over every sample: before, each second, after */
	out->runnable_mean = (s->runnable_sum + out->runnable_before + r) / (s->runnable_n + 2);
	out->npus = s->nused;
	shares(s, s->ticks0, ticks, s->cpu0, cpu, out->pus, &out->foreign, &out->steal,
	       &out->foreign_max, &out->machine_foreign);
	for (u = 0; u < out->npus; u++)
		out->pus[u].mhz = cpu_mhz(out->pus[u].pu);
done:
	free(ticks);
	free(cpu);
	sampler_free(s);
}

void machine_state_free(struct machine_state *ms)
{
	free(ms->pus);
	free(ms->rows);
	memset(ms, 0, sizeof(*ms));
}

void machine_state_json(FILE *f, const struct machine_state *ms, const char *indent)
{
	int i;

	if (!ms->npus) {
		fprintf(f, "%s\"machine_state\": null", indent);
		return;
	}
	fprintf(f, "%s\"machine_state\": {\"loadavg_before\": [%.2f, %.2f, %.2f], "
		"\"loadavg_after\": [%.2f, %.2f, %.2f],\n%s  \"others_runnable\": {\"before\": %d, "
		"\"after\": %d, \"mean\": %.3g, \"max\": %d},\n%s  \"steal_share\": %.4f, "
		"\"foreign_share\": %.4f, \"foreign_share_max\": %.4f, \"machine_foreign_share\": "
		"%.4f,\n%s  \"pus\": [", indent, ms->load_before[0], ms->load_before[1],
		ms->load_before[2], ms->load_after[0], ms->load_after[1], ms->load_after[2], indent,
		ms->runnable_before, ms->runnable_after, ms->runnable_mean, ms->runnable_max, indent,
		ms->steal, ms->foreign, ms->foreign_max, ms->machine_foreign, indent);
	for (i = 0; i < ms->npus; i++) {
		const struct pu_share *p = &ms->pus[i];

		fprintf(f, "%s{\"pu\": %d, \"ours\": %.4f, \"foreign\": %.4f, \"steal\": %.4f, "
			"\"idle\": %.4f, \"mhz\": ", i ? ", " : "", p->pu, p->ours, p->foreign,
			p->steal, p->idle);
		json_num_or_null(f, p->mhz);
		fputc('}', f);
	}
	fprintf(f, "],\n%s  \"seconds\": [", indent);
	for (i = 0; i < ms->seconds; i++)
		fprintf(f, "%s[%g, %.4f, %.4f]", i ? ", " : "", ms->rows[i][0], ms->rows[i][1],
			ms->rows[i][2]);
	fputs("]}", f);
}

void machine_state_print(FILE *f, const struct machine_state *ms)
{
	if (!ms->npus) {
		fprintf(f, "  machine      state not recorded (/proc/stat unreadable)\n");
		return;
	}
	fprintf(f, "  meanwhile    load %.2f -> %.2f, %.2g other task%s runnable on average "
		"(max %d); on the %d PU%s used: other processes %.0f%% (worst PU %.0f%%), "
		"stolen %.0f%%\n", ms->load_before[0], ms->load_after[0], ms->runnable_mean,
		ms->runnable_mean == 1 ? "" : "s", ms->runnable_max, ms->npus,
		ms->npus == 1 ? "" : "s", 100 * ms->foreign, 100 * ms->foreign_max,
		100 * ms->steal);
}
