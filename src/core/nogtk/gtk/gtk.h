/* src/core is the GTK-free core of LatentLab: the app and the CLI both stand
 * on it, and tests drive it without a display. This header sits first on the
 * core's include path so that any attempt to use GTK here stops the build. */
#error "src/core must not include GTK: put widget code in src/app"
