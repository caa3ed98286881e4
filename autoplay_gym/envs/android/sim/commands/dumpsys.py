"""`dumpsys` for the services clients parse: window, activity, display, input, power, telephony.registry,
battery and package. Only the lines clients read are produced, in their Android 13 shape."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autoplay_gym.envs.android.sim.activity_manager import Task, identity_hash
from autoplay_gym.envs.android.sim.apps.base import short_component
from autoplay_gym.envs.android.sim.commands.common import device_of
from autoplay_gym.envs.android.sim.shell.interp import CommandIO, Shell
from autoplay_gym.envs.android.sim.shell.streams import BufferSink

if TYPE_CHECKING:
    from autoplay_gym.envs.android.sim.device import Device

SEPARATOR = "-" * 80 + "\n"


def _pid(device: Device, package: str) -> int:
    """A stable fake process id per package."""
    uid = device.packages.get(package).uid
    return 1200 + (uid % 1000) * 13


def _record(task: Task) -> str:
    component = f"{task.app.package}/{task.app.current_activity()}"
    return f"ActivityRecord{{{identity_hash('record', task.id, component)} u0 {short_component(component)} t{task.id}}}"


def _window(task: Task) -> str:
    component = f"{task.app.package}/{task.app.current_activity()}"
    return f"Window{{{identity_hash('window', task.id, component)} u0 {component}}}"


def _focus_lines(sh: Shell) -> str:
    top = device_of(sh).am.top
    return f"  mCurrentFocus={_window(top)}\n  mFocusedApp={_record(top)}\n"


def window_displays(sh: Shell) -> str:
    device = device_of(sh)
    width, height = device.display.size
    dpi = device.display.dpi
    nav = 24 * dpi // 160
    return ("WINDOW MANAGER DISPLAY CONTENTS (dumpsys window displays)\n"
            f"  Display: mDisplayId=0 (organized) rootTasks={len(device.am.tasks)}\n"
            f"    init={width}x{height} {dpi}dpi cur={width}x{height} app={width}x{height - nav} "
            f"rng={width}x{width - nav}-{height - nav}x{height - nav}\n"
            "    deferred=false mLayoutNeeded=false "
            f"mTouchExcludeRegion=SkRegion((0,0,{width},{height}))\n\n"
            + _focus_lines(sh)
            + "  mLastStatusBarVisibility=0x0\n\n  DisplayRotation\n"
            "    mCurrentAppOrientation=SCREEN_ORIENTATION_UNSPECIFIED\n    mLastOrientation=-1\n"
            "    mRotation=0 mDeferredRotationPauseCount=0\n  mCurrentRotation=ROTATION_0\n"
            "    mLandscapeRotation=ROTATION_90 mSeascapeRotation=ROTATION_270\n"
            "    mPortraitRotation=ROTATION_0 mUpsideDownRotation=ROTATION_180\n"
            "  mUserRotationMode=USER_ROTATION_FREE mUserRotation=ROTATION_0\n")


def window_windows(sh: Shell) -> str:
    device = device_of(sh)
    lines = ["WINDOW MANAGER WINDOWS (dumpsys window windows)\n"]
    for number, task in enumerate(reversed(device.am.tasks)):
        package = task.app.package
        lines.append(f"  Window #{number} {_window(task)}:\n")
        lines.append(f"    mDisplayId=0 rootTaskId={task.id} mSession=Session{{{identity_hash('s', package)} "
                     f"{_pid(device, package)}:u0a{device.packages.get(package).uid - 10000}}} "
                     f"mClient=android.os.BinderProxy@{identity_hash('c', task.id)}\n")
        lines.append(f"    mOwnerUid={device.packages.get(package).uid} showForAllUsers=false package={package} "
                     "appop=NONE\n")
        lines.append(f"    isOnScreen={'true' if task is device.am.top else 'false'}\n"
                     f"    isVisible={'true' if task is device.am.top else 'false'}\n")
    return "".join(lines)


def cmd_dumpsys_window(sh: Shell, args: list[str]) -> str:
    if args[:1] == ["windows"]:
        return window_windows(sh)
    if args[:1] == ["displays"]:
        return window_displays(sh)
    return ("WINDOW MANAGER LAST ANR (dumpsys window lastanr)\n  <no ANR has occurred since boot>\n" + SEPARATOR
            + "WINDOW MANAGER POLICY STATE (dumpsys window policy)\n    mSafeMode=false mSystemReady=true "
            "mSystemBooted=true\n    mKeyguardDrawComplete=true mWindowManagerDrawComplete=true\n" + SEPARATOR
            + window_displays(sh) + SEPARATOR + window_windows(sh))


def activity_activities(sh: Shell) -> str:
    device = device_of(sh)
    lines = ["ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)\n",
             "Display #0 (activities from top to bottom):\n"]
    for task in reversed(device.am.tasks):
        uid = device.packages.get(task.app.package).uid
        kind = "home" if task is device.am.home_task else "standard"
        visible = "true" if task is device.am.top else "false"
        lines.append(f"  * Task{{{identity_hash('task', task.id)} #{task.id} type={kind} "
                     f"A={uid}:{task.app.package} U=0 visible={visible} visibleRequested={visible} "
                     f"mode=fullscreen translucent=false sz=1}}\n")
        lines.append(f"    mBounds=Rect(0, 0 - {device.display.size[0]}, {device.display.size[1]})\n")
        if task is device.am.top:
            lines.append(f"    mResumedActivity: {_record(task)}\n")
        lines.append(f"    * Hist  #0: {_record(task)}\n")
    top = device.am.top
    lines.append(f"\n  ResumedActivity: {_record(top)}\n")
    lines.append(f"  topResumedActivity={_record(top)}\n\n")
    lines.append(_focus_lines(sh))
    return "".join(lines)


def activity_top(sh: Shell) -> str:
    device = device_of(sh)
    tasks = [device.am.home_task] if device.am.top is not device.am.home_task else []
    tasks.append(device.am.top)
    lines = []
    for task in tasks:
        uid = device.packages.get(task.app.package).uid
        component = f"{task.app.package}/{task.app.current_activity()}"
        lines.append(f"TASK {uid}:{task.app.package} id={task.id} userId=0\n")
        lines.append(f"  ACTIVITY {component} {identity_hash('record', task.id, component)} "
                     f"pid={_pid(device, task.app.package)}\n")
        lines.append(f"    Local Activity {identity_hash('local', task.id)} State:\n"
                     f"      mResumed={'true' if task is device.am.top else 'false'} mStopped="
                     f"{'false' if task is device.am.top else 'true'} mFinished=false\n")
    return "".join(lines)


def activity_recents(sh: Shell) -> str:
    device = device_of(sh)
    lines = ["ACTIVITY MANAGER RECENT TASKS (dumpsys activity recents)\nRecentTasks:\n",
             "  mRecentsComponent=ComponentInfo{com.google.android.apps.nexuslauncher/"
             "com.android.quickstep.RecentsActivity}\n  mFreezeTaskListReordering=false\n\n",
             "Visible recent tasks (most recent first):\n"]
    recent = [t for t in reversed(device.am.tasks) if t is not device.am.home_task]
    for number, task in enumerate(recent):
        component = f"{task.app.package}/{task.app.current_activity()}"
        lines.append(f"  * RecentTaskInfo #{number}:\n    id={task.id} userId=0 hasTask=true "
                     f"lastActiveTime={device.now_ms()}\n"
                     f"    baseIntent=Intent {{ cmp={short_component(component)} }}\n")
    return "".join(lines)


def cmd_dumpsys(sh: Shell, io: CommandIO, argv: list[str]) -> int:
    device = device_of(sh)
    service, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    width, height = device.display.size
    if service == "window":
        text = cmd_dumpsys_window(sh, args)
    elif service == "activity":
        sections = {"activities": activity_activities, "a": activity_activities, "top": activity_top,
                    "recents": activity_recents, "r": activity_recents}
        builders = [sections[args[0]]] if args and args[0] in sections else [activity_activities, activity_recents]
        text = "".join(builder(sh) for builder in builders)
    elif service == "display":
        text = ("DISPLAY MANAGER (dumpsys display)\n  mOnlyCore=false\n  mSafeMode=false\n"
                "  mPendingTraversal=false\n  mViewports=[DisplayViewport{type=INTERNAL, valid=true, isActive=true, "
                "displayId=0, uniqueId='local:4619827259835644672', physicalPort=0, orientation=0, "
                f"logicalFrame=Rect(0, 0 - {width}, {height}), physicalFrame=Rect(0, 0 - {width}, {height}), "
                f"deviceWidth={width}, deviceHeight={height}}}]\n"
                f"    mBaseDisplayInfo=DisplayInfo{{\"Built-in Screen\", displayId 0, real {width} x {height}, "
                f"rotation 0, density {device.display.dpi}}}\n")
    elif service == "input":
        text = ("INPUT MANAGER (dumpsys input)\n\nInput Manager State:\n  Interactive: true\n"
                "Input Reader State (Nums of device: 1):\n  Device 1: virtio_input_multi_touch_1\n"
                f"    Touch Input Mapper (mode - DIRECT):\n      PhysicalWidth: {width}px\n"
                f"      PhysicalHeight: {height}px\n      SurfaceOrientation: 0\n  Configuration:\n"
                "    Viewports:\n      Viewport INTERNAL: displayId=0, uniqueId=local:4619827259835644672, port=0, "
                f"orientation=0, logicalFrame=[0, 0, {width}, {height}], physicalFrame=[0, 0, {width}, {height}], "
                f"deviceSize=[{width}, {height}], isActive=[1]\n")
    elif service == "power":
        text = ("POWER MANAGER (dumpsys power)\n  mWakefulness=Awake\n  mWakefulnessChanging=false\n"
                "  mIsPowered=true\n  mHoldingDisplaySuspendBlocker=true\nDisplay Power: state=ON\n")
    elif service == "telephony.registry":
        text = "last known state:\n  Phone Id=0\n  mCallState=0\n  mServiceState=0\n"
    elif service == "battery":
        text = ("Current Battery Service state:\n  AC powered: true\n  USB powered: false\n  status: 2\n"
                "  health: 2\n  present: true\n  level: 100\n  scale: 100\n  voltage: 5000\n"
                "  temperature: 250\n  technology: Li-ion\n")
    elif service == "package" and args and device.packages.get(args[0]) is not None:
        package = device.packages.get(args[0])
        text = (f"Packages:\n  Package [{package.name}] ({identity_hash('pkg', package.name)}):\n"
                f"    userId={package.uid}\n    codePath={package.apk_path.rsplit('/', 1)[0]}\n"
                "    versionCode=1 minSdk=26 targetSdk=33\n    versionName=1.0\n"
                "    firstInstallTime=2023-10-01 00:00:00\n    lastUpdateTime=2023-10-01 00:00:00\n")
    elif service in ("-l", ""):
        sink = BufferSink()
        sh.call(["service", "list"], CommandIO(io.stdin, sink, io.stderr))
        names = [line.split("\t", 1)[1].split(":", 1)[0] for line in sink.getvalue().decode().splitlines()[1:]]
        text = "Currently running services:\n" + "".join(f"  {name}\n" for name in names)
    else:
        io.stderr.write(f"Can't find service: {service}\n")
        return 0
    io.stdout.write(text)
    return 0
