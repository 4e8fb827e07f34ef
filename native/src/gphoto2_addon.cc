// Campus Capture: libgphoto2 in-process (DESIGN §5). One Session owns one camera and one thread;
// every libgphoto2 call for that camera is made on that thread, so the calls never overlap (the
// library is not thread-safe per camera) and the main thread never waits on USB. JavaScript asks
// through promise-returning commands (queued, run in order) and hears frames and camera events
// through one thread-safe function. Between commands the thread pulls live-view frames or, when
// live view is off, listens for the body's own events (gp_camera_wait_for_event).
#include <napi.h>

#include <gphoto2/gphoto2.h>
#include <gphoto2/gphoto2-version.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

/** A libgphoto2 failure: its code, its own words, and what the camera driver said through the context. */
struct GpFailure {
  int code;
  std::string text;
  std::string context;
};

struct Job {
  std::function<void(Napi::Env, Napi::Function)> fn;
};

void CallJs(Napi::Env env, Napi::Function cb, std::nullptr_t*, Job* job) {
  std::unique_ptr<Job> owned(job);
  if (env == nullptr || !owned) return;
  owned->fn(env, cb);
}

using Tsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, Job, CallJs>;
using Builder = std::function<Napi::Value(Napi::Env)>;

struct Command {
  std::function<Builder()> work;
  Napi::Promise::Deferred deferred;
};

struct ConfigItem {
  std::string name, label, type, value;
  bool numeric = false;
  float number = 0, min = 0, max = 0, step = 0;
  bool readonly = false;
  std::vector<std::string> choices;
};

struct CardFile {
  std::string folder, name;
  long long size = -1, mtime = -1;
};

/** Ports held by a Session of this process: one owner per camera (another process is kept out by the USB claim). */
std::mutex g_portsMu;
std::set<std::string> g_ports;

Napi::Error ToJsError(Napi::Env env, const GpFailure& f) {
  // Worded like the gphoto2 command's own report, so one classifier reads both backends' faults.
  std::string msg = "*** Error (" + std::to_string(f.code) + ": '" + f.text + "') ***";
  if (!f.context.empty()) msg += "\n" + f.context;
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("gpCode", Napi::Number::New(env, f.code));
  e.Set("gpText", Napi::String::New(env, f.text));
  e.Set("gpContext", Napi::String::New(env, f.context));
  return e;
}

class Session : public Napi::ObjectWrap<Session> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Session",
                       {
                           InstanceMethod<&Session::Detect>("detect"),
                           InstanceMethod<&Session::Open>("open"),
                           InstanceMethod<&Session::CloseCamera>("closeCamera"),
                           InstanceMethod<&Session::Capture>("capture"),
                           InstanceMethod<&Session::Download>("download"),
                           InstanceMethod<&Session::Remove>("remove"),
                           InstanceMethod<&Session::ListFiles>("listFiles"),
                           InstanceMethod<&Session::StorageInfo>("storageInfo"),
                           InstanceMethod<&Session::GetConfig>("getConfig"),
                           InstanceMethod<&Session::SetConfig>("setConfig"),
                           InstanceMethod<&Session::SetEnv>("setEnv"),
                           InstanceMethod<&Session::SetLiveView>("setLiveView"),
                           InstanceMethod<&Session::SetListen>("setListen"),
                           InstanceMethod<&Session::Dispose>("dispose"),
                       });
  }

  explicit Session(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Session>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(env, "new Session(onEvent)");
    inflight_ = std::make_shared<std::atomic<int>>(0);
    // Kept alive until its thread has ended: the thread calls back into it.
    Ref();
    tsfn_ = Tsfn::New(env, info[0].As<Napi::Function>(), "cc_gphoto2", 0, 1, nullptr,
                      [this](Napi::Env, void*, std::nullptr_t*) { Unref(); });
    ctx_ = gp_context_new();
    gp_context_set_error_func(ctx_, &Session::OnContextText, this);
    gp_context_set_message_func(ctx_, &Session::OnContextText, this);
    thread_ = std::thread([this] { Run(); });
    // Node exiting with the camera open: the thread ends the session (gp_camera_exit hands a Nikon
    // or Canon body back) before the process goes.
    env_ = env;
    napi_add_env_cleanup_hook(env, &Session::AtExit, this);
  }

  ~Session() override {
    napi_remove_env_cleanup_hook(env_, &Session::AtExit, this);
    StopAndJoin();
  }

  static void AtExit(void* self) { static_cast<Session*>(self)->StopAndJoin(); }

 private:
  // ---- JS methods ----

  Napi::Value Detect(const Napi::CallbackInfo& info) {
    return Enqueue(info.Env(), [this]() -> Builder {
      CameraList* list = nullptr;
      gp_list_new(&list);
      int n = gp_camera_autodetect(list, ctx_);
      std::vector<std::pair<std::string, std::string>> found;
      for (int i = 0; i < n; i++) {
        const char *name = nullptr, *value = nullptr;
        gp_list_get_name(list, i, &name);
        gp_list_get_value(list, i, &value);
        found.emplace_back(name ? name : "", value ? value : "");
      }
      gp_list_free(list);
      if (n < 0) Fail(n);
      return [found](Napi::Env env) -> Napi::Value {
        Napi::Array arr = Napi::Array::New(env, found.size());
        for (size_t i = 0; i < found.size(); i++) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("model", found[i].first);
          o.Set("port", found[i].second);
          arr.Set(i, o);
        }
        return arr;
      };
    });
  }

  Napi::Value Open(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) throw Napi::TypeError::New(env, "open(model, port)");
    std::string model = info[0].As<Napi::String>();
    std::string port = info[1].As<Napi::String>();
    return Enqueue(env, [this, model, port]() -> Builder {
      if (camera_) CloseNow();
      {
        std::lock_guard<std::mutex> g(g_portsMu);
        if (g_ports.count(port)) throw GpFailure{GP_ERROR_IO_USB_CLAIM, "Could not claim the USB device", "held by another session of this station"};
        g_ports.insert(port);
      }
      heldPort_ = port;
      Camera* cam = nullptr;
      CameraAbilitiesList* al = nullptr;
      GPPortInfoList* pl = nullptr;
      auto fail = [&](int r) {
        if (cam) gp_camera_free(cam);
        if (al) gp_abilities_list_free(al);
        if (pl) gp_port_info_list_free(pl);
        ReleasePort();
        Fail(r);
      };
      int r = gp_camera_new(&cam);
      if (r < GP_OK) fail(r);
      if ((r = gp_abilities_list_new(&al)) < GP_OK || (r = gp_abilities_list_load(al, ctx_)) < GP_OK) fail(r);
      int mi = gp_abilities_list_lookup_model(al, model.c_str());
      if (mi < GP_OK) fail(mi);
      CameraAbilities abilities;
      if ((r = gp_abilities_list_get_abilities(al, mi, &abilities)) < GP_OK || (r = gp_camera_set_abilities(cam, abilities)) < GP_OK) fail(r);
      if ((r = gp_port_info_list_new(&pl)) < GP_OK || (r = gp_port_info_list_load(pl)) < GP_OK) fail(r);
      int pi = gp_port_info_list_lookup_path(pl, port.c_str());
      if (pi < GP_OK) fail(pi);
      GPPortInfo pinfo;
      if ((r = gp_port_info_list_get_info(pl, pi, &pinfo)) < GP_OK || (r = gp_camera_set_port_info(cam, pinfo)) < GP_OK) fail(r);
      context_.clear();
      if ((r = gp_camera_init(cam, ctx_)) < GP_OK) fail(r);
      gp_abilities_list_free(al);
      gp_port_info_list_free(pl);
      camera_ = cam;
      CameraText summary;
      std::string text;
      if (gp_camera_get_summary(camera_, &summary, ctx_) >= GP_OK) text = summary.text;
      return [text](Napi::Env env) -> Napi::Value {
        Napi::Object o = Napi::Object::New(env);
        o.Set("summary", text);
        return o;
      };
    });
  }

  Napi::Value CloseCamera(const Napi::CallbackInfo& info) {
    return Enqueue(info.Env(), [this]() -> Builder {
      CloseNow();
      return [](Napi::Env env) -> Napi::Value { return env.Undefined(); };
    });
  }

  Napi::Value Capture(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsBoolean()) throw Napi::TypeError::New(env, "capture(path, keepOnCard)");
    std::string path = info[0].As<Napi::String>();
    bool keep = info[1].As<Napi::Boolean>();
    return Enqueue(env, [this, path, keep]() -> Builder {
      Need();
      CameraFilePath cp;
      std::memset(&cp, 0, sizeof cp);
      Check(gp_camera_capture(camera_, GP_CAPTURE_IMAGE, &cp, ctx_));
      std::string folder = cp.folder, name = cp.name;
      // The camera has the shot from here on: a failed download leaves it on the card, named, for
      // the caller to fetch when the camera is back.
      try {
        Fetch(folder, name, path, !keep);
      } catch (GpFailure& f) {
        f.context = "after capture of " + folder + "/" + name + (f.context.empty() ? "" : "\n" + f.context);
        throw;
      }
      return [folder, name, path](Napi::Env env) -> Napi::Value {
        Napi::Object o = Napi::Object::New(env);
        o.Set("folder", folder);
        o.Set("name", name);
        o.Set("path", path);
        return o;
      };
    });
  }

  Napi::Value Download(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 4 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString() || !info[3].IsBoolean())
      throw Napi::TypeError::New(env, "download(folder, name, path, removeFromCard)");
    std::string folder = info[0].As<Napi::String>(), name = info[1].As<Napi::String>(), path = info[2].As<Napi::String>();
    bool remove = info[3].As<Napi::Boolean>();
    return Enqueue(env, [this, folder, name, path, remove]() -> Builder {
      Need();
      Fetch(folder, name, path, remove);
      return [](Napi::Env env) -> Napi::Value { return env.Undefined(); };
    });
  }

  Napi::Value Remove(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) throw Napi::TypeError::New(env, "remove(folder, name)");
    std::string folder = info[0].As<Napi::String>(), name = info[1].As<Napi::String>();
    return Enqueue(env, [this, folder, name]() -> Builder {
      Need();
      Check(gp_camera_file_delete(camera_, folder.c_str(), name.c_str(), ctx_));
      return [](Napi::Env env) -> Napi::Value { return env.Undefined(); };
    });
  }

  Napi::Value ListFiles(const Napi::CallbackInfo& info) {
    return Enqueue(info.Env(), [this]() -> Builder {
      Need();
      std::vector<CardFile> files;
      Walk("/", files, 0);
      return [files](Napi::Env env) -> Napi::Value {
        Napi::Array arr = Napi::Array::New(env, files.size());
        for (size_t i = 0; i < files.size(); i++) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("folder", files[i].folder);
          o.Set("name", files[i].name);
          o.Set("size", files[i].size < 0 ? env.Null() : Napi::Number::New(env, static_cast<double>(files[i].size)));
          o.Set("mtime", files[i].mtime < 0 ? env.Null() : Napi::Number::New(env, static_cast<double>(files[i].mtime)));
          arr.Set(i, o);
        }
        return arr;
      };
    });
  }

  Napi::Value StorageInfo(const Napi::CallbackInfo& info) {
    return Enqueue(info.Env(), [this]() -> Builder {
      Need();
      CameraStorageInformation* si = nullptr;
      int n = 0;
      Check(gp_camera_get_storageinfo(camera_, &si, &n, ctx_));
      long long freeImages = -1, freeKb = -1;
      if (n > 0) {
        if (si[0].fields & GP_STORAGEINFO_FREESPACEIMAGES) freeImages = si[0].freeimages;
        if (si[0].fields & GP_STORAGEINFO_FREESPACEKBYTES) freeKb = static_cast<long long>(si[0].freekbytes);
      }
      free(si);
      return [freeImages, freeKb](Napi::Env env) -> Napi::Value {
        Napi::Object o = Napi::Object::New(env);
        o.Set("freeImages", freeImages < 0 ? env.Null() : Napi::Number::New(env, static_cast<double>(freeImages)));
        o.Set("freeKb", freeKb < 0 ? env.Null() : Napi::Number::New(env, static_cast<double>(freeKb)));
        return o;
      };
    });
  }

  Napi::Value GetConfig(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<std::string> names;
    if (info.Length() > 0 && info[0].IsArray()) {
      Napi::Array a = info[0].As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); i++) names.push_back(a.Get(i).As<Napi::String>());
    }
    return Enqueue(env, [this, names]() -> Builder {
      Need();
      std::vector<ConfigItem> items;
      if (names.empty()) {
        CameraWidget* root = nullptr;
        Check(gp_camera_get_config(camera_, &root, ctx_));
        Collect(root, items);
        gp_widget_free(root);
      } else {
        for (const auto& n : names) {
          CameraWidget* w = nullptr;
          // A body without this setting leaves it out of the answer.
          if (gp_camera_get_single_config(camera_, n.c_str(), &w, ctx_) < GP_OK) continue;
          Collect(w, items);
          gp_widget_free(w);
        }
      }
      return [items](Napi::Env env) -> Napi::Value {
        Napi::Array arr = Napi::Array::New(env, items.size());
        for (size_t i = 0; i < items.size(); i++) arr.Set(i, ToJs(env, items[i]));
        return arr;
      };
    });
  }

  Napi::Value SetConfig(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) throw Napi::TypeError::New(env, "setConfig(name, value)");
    std::string name = info[0].As<Napi::String>(), value = info[1].As<Napi::String>();
    return Enqueue(env, [this, name, value]() -> Builder {
      Need();
      CameraWidget* w = nullptr;
      Check(gp_camera_get_single_config(camera_, name.c_str(), &w, ctx_));
      CameraWidgetType type;
      gp_widget_get_type(w, &type);
      int r = GP_OK;
      switch (type) {
        case GP_WIDGET_RANGE: {
          char* end = nullptr;
          float f = std::strtof(value.c_str(), &end);
          if (end == value.c_str()) r = GP_ERROR_BAD_PARAMETERS;
          else r = gp_widget_set_value(w, &f);
          break;
        }
        case GP_WIDGET_TOGGLE:
        case GP_WIDGET_DATE: {
          int v = std::atoi(value.c_str());
          r = gp_widget_set_value(w, &v);
          break;
        }
        case GP_WIDGET_TEXT:
        case GP_WIDGET_RADIO:
        case GP_WIDGET_MENU:
          r = gp_widget_set_value(w, value.c_str());
          break;
        default:
          r = GP_ERROR_NOT_SUPPORTED;
      }
      if (r >= GP_OK) {
        context_.clear();
        r = gp_camera_set_single_config(camera_, name.c_str(), w, ctx_);
      }
      gp_widget_free(w);
      Check(r);
      // Read back: what the body holds now, which is what the station shows.
      std::vector<ConfigItem> items;
      if (gp_camera_get_single_config(camera_, name.c_str(), &w, ctx_) >= GP_OK) {
        Collect(w, items);
        gp_widget_free(w);
      }
      return [items](Napi::Env env) -> Napi::Value { return items.empty() ? env.Null() : ToJs(env, items[0]); };
    });
  }

  /** Sets variables in this process's environment from the camera thread, between libgphoto2 calls
   * (IOLIBS/CAMLIBS and a port library's own switches are read with getenv while it runs). */
  Napi::Value SetEnv(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "setEnv(vars)");
    Napi::Object o = info[0].As<Napi::Object>();
    Napi::Array keys = o.GetPropertyNames();
    std::vector<std::pair<std::string, std::string>> vars;
    std::vector<std::string> unset;
    for (uint32_t i = 0; i < keys.Length(); i++) {
      std::string k = keys.Get(i).As<Napi::String>();
      Napi::Value v = o.Get(k);
      if (v.IsString()) vars.emplace_back(k, v.As<Napi::String>().Utf8Value());
      else unset.push_back(k);
    }
    return Enqueue(env, [vars, unset]() -> Builder {
      for (const auto& kv : vars) setenv(kv.first.c_str(), kv.second.c_str(), 1);
      for (const auto& k : unset) unsetenv(k.c_str());
      return [](Napi::Env env) -> Napi::Value { return env.Undefined(); };
    });
  }

  void SetLiveView(const Napi::CallbackInfo& info) {
    bool on = info.Length() > 0 && info[0].ToBoolean();
    {
      std::lock_guard<std::mutex> g(mu_);
      liveView_ = on;
      if (!on) endLiveViewDue_ = true;
    }
    cv_.notify_all();
  }

  void SetListen(const Napi::CallbackInfo& info) {
    bool on = info.Length() > 0 && info[0].ToBoolean();
    {
      std::lock_guard<std::mutex> g(mu_);
      listen_ = on;
    }
    cv_.notify_all();
  }

  /** Ends the session: the commands already asked for run, the camera is let go, the thread ends. */
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto d = Napi::Promise::Deferred::New(env);
    {
      std::lock_guard<std::mutex> g(mu_);
      if (stopping_) {
        d.Resolve(env.Undefined());
        return d.Promise();
      }
      stopping_ = true;
      disposeDeferred_ = std::make_unique<Napi::Promise::Deferred>(d);
    }
    cv_.notify_all();
    return d.Promise();
  }

  // ---- the camera thread ----

  void Run() {
    std::unique_lock<std::mutex> lk(mu_);
    while (true) {
      if (!queue_.empty()) {
        Command c = std::move(queue_.front());
        queue_.pop_front();
        lk.unlock();
        Execute(c);
        lk.lock();
        continue;
      }
      if (stopping_) break;
      if (camera_ && liveView_) {
        lk.unlock();
        PreviewOnce();
        lk.lock();
        continue;
      }
      if (camera_ && endLiveViewDue_) {
        endLiveViewDue_ = false;
        lk.unlock();
        EndLiveView();
        lk.lock();
        continue;
      }
      if (camera_ && listen_) {
        lk.unlock();
        ListenOnce(listenPollMs_);
        lk.lock();
        continue;
      }
      cv_.wait(lk);
    }
    auto dispose = std::move(disposeDeferred_);
    lk.unlock();
    CloseNow();
    if (dispose) {
      auto* d = dispose.release();
      Post([d](Napi::Env env, Napi::Function) {
        d->Resolve(env.Undefined());
        delete d;
      });
    }
    tsfn_.Release();
  }

  void StopAndJoin() {
    {
      std::lock_guard<std::mutex> g(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
  }

  Napi::Value Enqueue(Napi::Env env, std::function<Builder()> work) {
    auto d = Napi::Promise::Deferred::New(env);
    {
      std::lock_guard<std::mutex> g(mu_);
      if (stopping_) {
        d.Reject(Napi::Error::New(env, "the camera session is closed").Value());
        return d.Promise();
      }
      queue_.push_back(Command{std::move(work), d});
    }
    cv_.notify_all();
    return d.Promise();
  }

  void Execute(Command& c) {
    Napi::Promise::Deferred d = c.deferred;
    try {
      context_.clear();
      Builder b = c.work();
      Post([d, b](Napi::Env env, Napi::Function) { d.Resolve(b(env)); });
    } catch (const GpFailure& f) {
      GpFailure copy = f;
      Post([d, copy](Napi::Env env, Napi::Function) { d.Reject(ToJsError(env, copy).Value()); });
    } catch (const std::exception& e) {
      std::string what = e.what();
      Post([d, what](Napi::Env env, Napi::Function) { d.Reject(Napi::Error::New(env, what).Value()); });
    }
  }

  void Post(std::function<void(Napi::Env, Napi::Function)> fn) { tsfn_.NonBlockingCall(new Job{std::move(fn)}); }

  void Emit(const std::string& type, std::function<void(Napi::Env, Napi::Object&)> fill) {
    Post([type, fill](Napi::Env env, Napi::Function cb) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("type", type);
      fill(env, o);
      cb.Call({o});
    });
  }

  void EmitFailure(const std::string& type, const GpFailure& f) {
    Emit(type, [f](Napi::Env env, Napi::Object& o) { o.Set("error", ToJsError(env, f).Value()); });
  }

  void PreviewOnce() {
    CameraFile* file = nullptr;
    gp_file_new(&file);
    context_.clear();
    int r = gp_camera_capture_preview(camera_, file, ctx_);
    if (r < GP_OK) {
      gp_file_unref(file);
      {
        std::lock_guard<std::mutex> g(mu_);
        liveView_ = false;
      }
      EmitFailure("liveview-error", GpFailure{r, gp_result_as_string(r), context_});
      return;
    }
    const char* data = nullptr;
    unsigned long size = 0;
    gp_file_get_data_and_size(file, &data, &size);
    uint64_t seq = ++frameSeq_;
    // The main thread takes frames as fast as they come; if it falls behind, frames are dropped
    // here rather than queued, so a busy main thread never makes memory grow.
    if (*inflight_ < 2 && size > 0) {
      ++*inflight_;
      auto bytes = std::make_shared<std::vector<char>>(data, data + size);
      auto inflight = inflight_;
      uint64_t dropped = dropped_;
      Emit("frame", [bytes, seq, inflight, dropped](Napi::Env env, Napi::Object& o) {
        --*inflight;
        o.Set("seq", Napi::Number::New(env, static_cast<double>(seq)));
        o.Set("dropped", Napi::Number::New(env, static_cast<double>(dropped)));
        o.Set("jpeg", Napi::Buffer<char>::Copy(env, bytes->data(), bytes->size()));
      });
    } else {
      dropped_++;
    }
    gp_file_unref(file);
    // The body's own button during live view: its events are looked at between frames.
    if (seq % 8 == 0) ListenOnce(1);
  }

  void EndLiveView() {
    // Nikon and Canon bodies leave live view when "viewfinder" is switched off; a body without it
    // left live view when the previews stopped.
    CameraWidget* w = nullptr;
    if (gp_camera_get_single_config(camera_, "viewfinder", &w, ctx_) < GP_OK) return;
    int off = 0;
    gp_widget_set_value(w, &off);
    gp_camera_set_single_config(camera_, "viewfinder", w, ctx_);
    gp_widget_free(w);
  }

  void ListenOnce(int timeoutMs) {
    CameraEventType type;
    void* data = nullptr;
    context_.clear();
    int r = gp_camera_wait_for_event(camera_, timeoutMs, &type, &data, ctx_);
    if (r < GP_OK) {
      {
        std::lock_guard<std::mutex> g(mu_);
        listen_ = false;
        liveView_ = false;
      }
      EmitFailure("event-error", GpFailure{r, gp_result_as_string(r), context_});
      return;
    }
    if (type == GP_EVENT_FILE_ADDED && data) {
      auto* p = static_cast<CameraFilePath*>(data);
      std::string folder = p->folder, name = p->name;
      Emit("file-added", [folder, name](Napi::Env, Napi::Object& o) {
        o.Set("folder", folder);
        o.Set("name", name);
      });
    } else if (type == GP_EVENT_CAPTURE_COMPLETE) {
      Emit("capture-complete", [](Napi::Env, Napi::Object&) {});
    }
    free(data);
  }

  // ---- helpers (camera thread) ----

  [[noreturn]] void Fail(int r) { throw GpFailure{r, gp_result_as_string(r), context_}; }
  void Check(int r) {
    if (r < GP_OK) Fail(r);
  }
  void Need() {
    if (!camera_) throw GpFailure{GP_ERROR_IO_USB_FIND, "Could not find the requested device on the USB port", "no camera is open"};
  }

  void ReleasePort() {
    if (heldPort_.empty()) return;
    std::lock_guard<std::mutex> g(g_portsMu);
    g_ports.erase(heldPort_);
    heldPort_.clear();
  }

  void CloseNow() {
    if (camera_) {
      gp_camera_exit(camera_, ctx_);
      gp_camera_free(camera_);
      camera_ = nullptr;
    }
    ReleasePort();
  }

  /** Downloads a card file into memory, writes it whole to `path` (a .part file renamed once
   * synced, so a reader never sees half a shot), then deletes it from the card if asked. */
  void Fetch(const std::string& folder, const std::string& name, const std::string& path, bool removeFromCard) {
    CameraFile* file = nullptr;
    gp_file_new(&file);
    int r = gp_camera_file_get(camera_, folder.c_str(), name.c_str(), GP_FILE_TYPE_NORMAL, file, ctx_);
    if (r < GP_OK) {
      gp_file_unref(file);
      Fail(r);
    }
    const char* data = nullptr;
    unsigned long size = 0;
    gp_file_get_data_and_size(file, &data, &size);
    std::string part = path + ".part";
    int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    unsigned long done = 0;
    while (ok && done < size) {
      ssize_t w = ::write(fd, data + done, size - done);
      if (w <= 0) ok = false;
      else done += static_cast<unsigned long>(w);
    }
    if (ok && ::fsync(fd) != 0) ok = false;
    if (fd >= 0) ::close(fd);
    gp_file_unref(file);
    if (!ok || ::rename(part.c_str(), path.c_str()) != 0) {
      std::string why = std::strerror(errno);
      ::unlink(part.c_str());
      throw GpFailure{GP_ERROR_IO_WRITE, "Error writing to the port", "cannot write " + path + ": " + why};
    }
    if (removeFromCard) Check(gp_camera_file_delete(camera_, folder.c_str(), name.c_str(), ctx_));
  }

  void Walk(const std::string& folder, std::vector<CardFile>& out, int depth) {
    if (depth > 8) return;
    CameraList* list = nullptr;
    gp_list_new(&list);
    int r = gp_camera_folder_list_files(camera_, folder.c_str(), list, ctx_);
    if (r < GP_OK) {
      gp_list_free(list);
      Fail(r);
    }
    for (int i = 0; i < gp_list_count(list); i++) {
      const char* name = nullptr;
      gp_list_get_name(list, i, &name);
      CardFile f;
      f.folder = folder;
      f.name = name ? name : "";
      CameraFileInfo fi;
      if (gp_camera_file_get_info(camera_, folder.c_str(), f.name.c_str(), &fi, ctx_) >= GP_OK) {
        if (fi.file.fields & GP_FILE_INFO_SIZE) f.size = static_cast<long long>(fi.file.size);
        if (fi.file.fields & GP_FILE_INFO_MTIME) f.mtime = static_cast<long long>(fi.file.mtime);
      }
      out.push_back(f);
    }
    gp_list_reset(list);
    r = gp_camera_folder_list_folders(camera_, folder.c_str(), list, ctx_);
    if (r < GP_OK) {
      gp_list_free(list);
      Fail(r);
    }
    std::vector<std::string> subs;
    for (int i = 0; i < gp_list_count(list); i++) {
      const char* name = nullptr;
      gp_list_get_name(list, i, &name);
      if (name) subs.push_back(folder == "/" ? "/" + std::string(name) : folder + "/" + name);
    }
    gp_list_free(list);
    for (const auto& s : subs) Walk(s, out, depth + 1);
  }

  static void Collect(CameraWidget* w, std::vector<ConfigItem>& out) {
    CameraWidgetType type;
    gp_widget_get_type(w, &type);
    if (type == GP_WIDGET_WINDOW || type == GP_WIDGET_SECTION) {
      for (int i = 0; i < gp_widget_count_children(w); i++) {
        CameraWidget* c = nullptr;
        if (gp_widget_get_child(w, i, &c) >= GP_OK) Collect(c, out);
      }
      return;
    }
    ConfigItem it;
    const char *name = nullptr, *label = nullptr;
    gp_widget_get_name(w, &name);
    gp_widget_get_label(w, &label);
    it.name = name ? name : "";
    it.label = label ? label : "";
    int ro = 0;
    gp_widget_get_readonly(w, &ro);
    it.readonly = ro != 0;
    switch (type) {
      case GP_WIDGET_TEXT:
      case GP_WIDGET_RADIO:
      case GP_WIDGET_MENU: {
        it.type = type == GP_WIDGET_TEXT ? "text" : type == GP_WIDGET_RADIO ? "radio" : "menu";
        const char* v = nullptr;
        if (gp_widget_get_value(w, &v) >= GP_OK && v) it.value = v;
        if (type != GP_WIDGET_TEXT) {
          for (int i = 0; i < gp_widget_count_choices(w); i++) {
            const char* c = nullptr;
            if (gp_widget_get_choice(w, i, &c) >= GP_OK && c) it.choices.emplace_back(c);
          }
        }
        break;
      }
      case GP_WIDGET_RANGE: {
        it.type = "range";
        float v = 0;
        gp_widget_get_value(w, &v);
        gp_widget_get_range(w, &it.min, &it.max, &it.step);
        it.numeric = true;
        it.number = v;
        it.value = std::to_string(v);
        break;
      }
      case GP_WIDGET_TOGGLE:
      case GP_WIDGET_DATE: {
        it.type = type == GP_WIDGET_TOGGLE ? "toggle" : "date";
        int v = 0;
        gp_widget_get_value(w, &v);
        it.numeric = true;
        it.number = static_cast<float>(v);
        it.value = std::to_string(v);
        break;
      }
      default:
        it.type = "button";
    }
    out.push_back(it);
  }

  static Napi::Object ToJs(Napi::Env env, const ConfigItem& it) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", it.name);
    o.Set("label", it.label);
    o.Set("type", it.type);
    o.Set("value", it.value);
    o.Set("readonly", it.readonly);
    Napi::Array ch = Napi::Array::New(env, it.choices.size());
    for (size_t i = 0; i < it.choices.size(); i++) ch.Set(i, it.choices[i]);
    o.Set("choices", ch);
    if (it.type == "range") {
      o.Set("min", it.min);
      o.Set("max", it.max);
      o.Set("step", it.step);
    }
    return o;
  }

  static void OnContextText(GPContext*, const char* text, void* data) {
    auto* self = static_cast<Session*>(data);
    if (!self->context_.empty()) self->context_ += "\n";
    self->context_ += text;
  }

  napi_env env_ = nullptr;
  Tsfn tsfn_;
  GPContext* ctx_ = nullptr;
  Camera* camera_ = nullptr;
  std::string heldPort_;
  std::string context_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Command> queue_;
  bool liveView_ = false;
  bool listen_ = false;
  bool endLiveViewDue_ = false;
  bool stopping_ = false;
  std::unique_ptr<Napi::Promise::Deferred> disposeDeferred_;
  std::shared_ptr<std::atomic<int>> inflight_;
  uint64_t frameSeq_ = 0;
  uint64_t dropped_ = 0;
  int listenPollMs_ = 30;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Session", Session::Define(env));
  exports.Set("libgphoto2", Napi::String::New(env, *gp_library_version(GP_VERSION_SHORT)));
  return exports;
}

}  // namespace

NODE_API_MODULE(cc_gphoto2, Init)
