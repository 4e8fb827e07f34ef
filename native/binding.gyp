{
  "targets": [
    {
      "target_name": "cc_gphoto2",
      "sources": ["src/gphoto2_addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "<!@(pkg-config --cflags libgphoto2)"],
      "libraries": ["<!@(pkg-config --libs libgphoto2)", "-lpthread"]
    }
  ]
}
