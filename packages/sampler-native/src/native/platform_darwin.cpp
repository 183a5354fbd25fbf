// macOS backend: Mach task, thread and host information.
//
// Cannot be built on the Linux machines this project is developed on; CI builds and tests it on
// a macOS runner (.github/workflows/ci.yml). Signatures follow Apple's headers (<mach/*.h>, the
// MIG definitions in task.defs, thread_act.defs, mach_host.defs).
//
// Ports: mach_task_self() is cached by libc and needs no release; mach_host_self() returns a
// new send right each call, so the probe takes one and releases it. task_threads() returns a
// send right per thread and an out-of-line array: both are released after every listing.
#include <mach/mach.h>
#include <mach/mach_time.h>
#include <pthread.h>
#include <sys/sysctl.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "darwin_time.h"
#include "platform.h"

namespace llmmon {

namespace {

constexpr int64_t kNsPerSec = 1000000000LL;

using darwin::ns_to_ticks;
using darwin::ticks_to_ns;

// A thread name as thread_info() returns it (NUL-padded, at most MAXTHREADNAMESIZE bytes).
std::string thread_name_of(const char* pth_name) {
  return std::string(pth_name, ::strnlen(pth_name, MAXTHREADNAMESIZE));
}

// Calls visit(tid, cpu_ns, pth_name) for every thread of this task that could be read (CPU time:
// user + system, ns). Releases the send right of each thread and the array task_threads() returns.
template <class Visit>
bool for_each_thread(Visit&& visit) {
  thread_act_array_t threads = nullptr;
  mach_msg_type_number_t count = 0;
  if (task_threads(mach_task_self(), &threads, &count) != KERN_SUCCESS) return false;
  for (mach_msg_type_number_t i = 0; i < count; ++i) {
    thread_identifier_info_data_t id;
    mach_msg_type_number_t id_count = THREAD_IDENTIFIER_INFO_COUNT;
    thread_extended_info_data_t ext;
    mach_msg_type_number_t ext_count = THREAD_EXTENDED_INFO_COUNT;
    // A thread can terminate between task_threads() and thread_info(): skip it.
    if (thread_info(threads[i], THREAD_IDENTIFIER_INFO, reinterpret_cast<thread_info_t>(&id), &id_count) ==
            KERN_SUCCESS &&
        thread_info(threads[i], THREAD_EXTENDED_INFO, reinterpret_cast<thread_info_t>(&ext), &ext_count) ==
            KERN_SUCCESS) {
      // pth_user_time/pth_system_time are already ns.
      visit(static_cast<Tid>(id.thread_id), static_cast<int64_t>(ext.pth_user_time + ext.pth_system_time),
            static_cast<const char*>(ext.pth_name));
    }
    mach_port_deallocate(mach_task_self(), threads[i]);
  }
  vm_deallocate(mach_task_self(), reinterpret_cast<vm_address_t>(threads), count * sizeof(thread_act_t));
  return true;
}

bool basic_info(mach_task_basic_info_data_t& info) {
  mach_msg_type_number_t count = MACH_TASK_BASIC_INFO_COUNT;
  return task_info(mach_task_self(), MACH_TASK_BASIC_INFO, reinterpret_cast<task_info_t>(&info), &count) ==
         KERN_SUCCESS;
}

}  // namespace

struct ProcessProbe::State {
  mach_port_t host = mach_host_self();
  vm_size_t host_page = 0;
  uint64_t memory_total = 0;

  // Guards the name cache. Never held during a Mach call.
  std::mutex mu;
  std::unordered_map<Tid, std::string> names;

  State() {
    if (host_page_size(host, &host_page) != KERN_SUCCESS) host_page = 0;
    size_t len = sizeof(memory_total);
    if (sysctlbyname("hw.memsize", &memory_total, &len, nullptr, 0) != 0) memory_total = 0;
  }
  ~State() { mach_port_deallocate(mach_task_self(), host); }

  // A thread seen at a CPU reading: named at once when it is new (so a window that closes just
  // after it started can name it); a known thread costs a lookup, no allocation.
  void remember_if_new(Tid tid, const char* pth_name) {
    std::lock_guard<std::mutex> lock(mu);
    if (names.find(tid) == names.end()) names.emplace(tid, thread_name_of(pth_name));
  }
};

ProcessProbe::ProcessProbe() : state_(std::make_unique<State>()) { rescan_threads(); }
ProcessProbe::~ProcessProbe() = default;

bool ProcessProbe::process_cpu_ns(int64_t& out) {
  // All threads, terminated ones included (getrusage underneath, microsecond resolution).
  timespec ts;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return false;
  out = int64_t(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
  return true;
}

bool ProcessProbe::rss_bytes(uint64_t& out) {
  mach_task_basic_info_data_t info;
  if (!basic_info(info)) return false;
  out = info.resident_size;
  return true;
}

bool ProcessProbe::rss_high_water_bytes(uint64_t& out) {
  mach_task_basic_info_data_t info;
  if (!basic_info(info)) return false;
  out = info.resident_size_max;
  return true;
}

bool ProcessProbe::footprint_bytes(uint64_t& out) {
  task_vm_info_data_t info;
  mach_msg_type_number_t count = TASK_VM_INFO_COUNT;
  if (task_info(mach_task_self(), TASK_VM_INFO, reinterpret_cast<task_info_t>(&info), &count) != KERN_SUCCESS)
    return false;
  if (count < TASK_VM_INFO_REV1_COUNT) return false;  // kernel too old to report phys_footprint
  out = info.phys_footprint;
  return true;
}

bool ProcessProbe::thread_cpu(std::vector<ThreadCpu>& out) {
  // Mach lists the threads on every call, names included.
  State& s = *state_;
  out.clear();
  if (!for_each_thread([&](Tid tid, int64_t cpu_ns, const char* pth_name) {
        out.push_back({tid, cpu_ns});
        s.remember_if_new(tid, pth_name);
      }))
    return false;
  std::sort(out.begin(), out.end(), [](const ThreadCpu& a, const ThreadCpu& b) { return a.tid < b.tid; });
  return !out.empty();
}

bool ProcessProbe::one_thread_cpu_ns(Tid tid, int64_t& out) {
  bool found = false;
  for_each_thread([&](Tid t, int64_t cpu_ns, const char*) {
    if (t != tid) return;
    out = cpu_ns;
    found = true;
  });
  return found;
}

void ProcessProbe::rescan_threads() {
  // A new map each time: renamed threads get their new name, exited ones are dropped.
  std::unordered_map<Tid, std::string> fresh;
  const bool listed = for_each_thread(
      [&fresh](Tid tid, int64_t, const char* pth_name) { fresh.emplace(tid, thread_name_of(pth_name)); });
  if (!listed) return;
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->names.swap(fresh);
}

std::string ProcessProbe::thread_name(Tid tid) {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->names.find(tid);
  return it == state_->names.end() ? std::string() : it->second;
}

bool ProcessProbe::system_cpu(CpuCounters& out) {
  natural_t cpus = 0;
  processor_info_array_t info = nullptr;
  mach_msg_type_number_t count = 0;
  if (host_processor_info(state_->host, PROCESSOR_CPU_LOAD_INFO, &cpus, &info, &count) != KERN_SUCCESS) return false;
  const auto* load = reinterpret_cast<const processor_cpu_load_info_data_t*>(info);
  uint64_t busy = 0;
  uint64_t idle = 0;
  for (natural_t i = 0; i < cpus; ++i) {
    busy += uint64_t(load[i].cpu_ticks[CPU_STATE_USER]) + load[i].cpu_ticks[CPU_STATE_SYSTEM] +
            load[i].cpu_ticks[CPU_STATE_NICE];
    idle += load[i].cpu_ticks[CPU_STATE_IDLE];
  }
  vm_deallocate(mach_task_self(), reinterpret_cast<vm_address_t>(info), count * sizeof(integer_t));
  out.busy = busy;
  out.total = busy + idle;
  return cpus > 0;
}

bool ProcessProbe::system_memory_percent(double& out) {
  const State& s = *state_;
  if (s.memory_total == 0 || s.host_page == 0) return false;
  vm_statistics64_data_t vm;
  mach_msg_type_number_t count = HOST_VM_INFO64_COUNT;
  if (host_statistics64(s.host, HOST_VM_INFO64, reinterpret_cast<host_info64_t>(&vm), &count) != KERN_SUCCESS)
    return false;
  // Activity Monitor's "Memory Used": app memory (anonymous minus purgeable) + wired + compressed.
  const uint64_t app = vm.internal_page_count > vm.purgeable_count ? vm.internal_page_count - vm.purgeable_count : 0;
  const uint64_t used = (app + vm.wire_count + vm.compressor_page_count) * uint64_t(s.host_page);
  out = 100.0 * double(std::min(used, s.memory_total)) / double(s.memory_total);
  return true;
}

std::vector<Counter> ProcessProbe::counters() {
  auto counter = [](const char* name, bool ok, const char* source, const char* reason) {
    return Counter{name, ok, source, ok ? std::string() : std::string(reason)};
  };
  int64_t ns;
  uint64_t bytes;
  CpuCounters cpu;
  double pct;
  std::vector<ThreadCpu> threads;
  const bool threads_ok = thread_cpu(threads);
  const bool names_ok = threads_ok;  // pth_name comes with the same call (empty when unnamed)
  return {
      counter("process_cpu", process_cpu_ns(ns), "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)",
              "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed"),
      counter("rss", rss_bytes(bytes), "task_info(MACH_TASK_BASIC_INFO).resident_size",
              "task_info(MACH_TASK_BASIC_INFO) failed"),
      counter("rss_high_water", rss_high_water_bytes(bytes), "task_info(MACH_TASK_BASIC_INFO).resident_size_max",
              "task_info(MACH_TASK_BASIC_INFO) failed"),
      counter("footprint", footprint_bytes(bytes), "task_info(TASK_VM_INFO).phys_footprint",
              "task_info(TASK_VM_INFO) failed or has no phys_footprint"),
      counter("thread_cpu", threads_ok, "task_threads + thread_info(THREAD_EXTENDED_INFO)",
              "task_threads/thread_info failed"),
      counter("thread_names", names_ok, "thread_info(THREAD_EXTENDED_INFO).pth_name", "task_threads/thread_info failed"),
      counter("system_cpu", system_cpu(cpu), "host_processor_info(PROCESSOR_CPU_LOAD_INFO)",
              "host_processor_info failed"),
      counter("system_memory", system_memory_percent(pct),
              "host_statistics64(HOST_VM_INFO64) + sysctl hw.memsize (app + wired + compressed)",
              "host_statistics64 or sysctl hw.memsize failed"),
  };
}

namespace platform {

int64_t monotonic_ns() {
  // libuv's uv_hrtime() on macOS: mach_continuous_time() scaled by the timebase (it keeps
  // counting while the machine sleeps, unlike mach_absolute_time()).
  return static_cast<int64_t>(ticks_to_ns(mach_continuous_time()));
}

const char* clock_name() { return "mach_continuous_time"; }

const char* backend_name() { return "darwin-mach"; }

void sleep_until(int64_t deadline_ns) {
  // mach_wait_until() takes a mach_absolute_time() deadline; the two clocks differ by the time
  // the machine slept, which is constant while we are awake.
  const uint64_t deadline = ns_to_ticks(static_cast<uint64_t>(deadline_ns));
  const uint64_t continuous = mach_continuous_time();
  if (deadline <= continuous) return;
  mach_wait_until(mach_absolute_time() + (deadline - continuous));
}

Tid current_thread_id() {
  uint64_t id = 0;
  pthread_threadid_np(nullptr, &id);
  return static_cast<Tid>(id);
}

void name_current_thread(const char* name) { pthread_setname_np(name); }

std::string request_prompt_wakeups() {
  // The QoS class is the unprivileged way to ask for prompt scheduling on macOS.
  if (pthread_set_qos_class_self_np(QOS_CLASS_USER_INTERACTIVE, 0) != 0)
    return "pthread_set_qos_class_self_np(QOS_CLASS_USER_INTERACTIVE) failed";
  return "QoS class user-interactive";
}

}  // namespace platform

}  // namespace llmmon
