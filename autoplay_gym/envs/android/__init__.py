"""Android apps as Gymnasium environments over ADB (adbutils), plus a simulated device in `sim/`.

Deliberately empty: importing `sim` (which shares no code with the client side) must not load the client modules,
and `import autoplay_gym` should read only the catalog (`apps`), never adbutils.
"""
