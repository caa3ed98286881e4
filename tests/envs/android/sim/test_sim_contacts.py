"""Contacts behaviour, driven only through `input` and observed through dumps and `content query`."""

from __future__ import annotations

CONTACTS = "com.google.android.contacts"
PEOPLE = f"{CONTACTS}/com.android.contacts.activities.PeopleActivity"
EDITOR = f"{CONTACTS}/com.android.contacts.activities.ContactEditorActivity"
DETAILS = f"{CONTACTS}/com.android.contacts.quickcontact.QuickContactActivity"
PHONES = "content query --uri content://contacts/phones/ --projection display_name:number"


def open_contacts(ui) -> None:
    ui.sh(f"monkey -p {CONTACTS} -c android.intent.category.LAUNCHER 1")
    assert ui.focus() == PEOPLE


def create_contact(ui, first: str, last: str, phone: str, email: str = "") -> None:
    ui.tap(content_desc="Create contact")
    assert ui.focus() == EDITOR
    ui.tap(text="First name")
    ui.type(first)
    ui.tap(text="Last name")
    ui.type(last)
    ui.tap(text="Phone")
    ui.type(phone)
    if email:
        ui.tap(text="Email")
        ui.type(email)
    ui.tap(text="Save")


def seed(ui, count: int) -> list[str]:
    """Many contacts at once through the provider (what `content insert` does on a device)."""
    names = [f"Person {chr(ord('A') + i // 26)}{chr(ord('a') + i % 26)}" for i in range(count)]
    for index, name in enumerate(names, start=1):
        ui.sh("content insert --uri content://com.android.contacts/raw_contacts --bind account_type:n: "
              "--bind account_name:n:")
        ui.sh(f"content insert --uri content://com.android.contacts/data --bind raw_contact_id:i:{index} "
              f"--bind mimetype:s:vnd.android.cursor.item/name --bind data1:s:'{name}'")
    return names


def test_create_contact_through_the_ui(ui) -> None:
    open_contacts(ui)
    assert ui.exists(text="No contacts yet")
    create_contact(ui, "Jane", "Doe", "(234) 567-8901", "jane@example.com")
    assert ui.focus() == DETAILS
    assert ui.find(resource_id=f"{CONTACTS}:id/large_title").get("text") == "Jane Doe"
    assert ui.sh(PHONES) == "Row: 0 display_name=Jane Doe, number=(234) 567-8901\n"
    emails = ui.sh("content query --uri content://com.android.contacts/data/emails --projection address")
    assert emails == "Row: 0 address=jane@example.com\n"
    ui.key("KEYCODE_BACK")
    assert ui.focus() == PEOPLE
    assert ui.exists(text="Jane Doe", resource_id=f"{CONTACTS}:id/cliv_name_textview")


def test_edit_contact(ui) -> None:
    open_contacts(ui)
    create_contact(ui, "Jane", "Doe", "5550100")
    ui.tap(content_desc="Edit contact")
    assert ui.focus() == EDITOR
    ui.tap(text="Doe")
    ui.sh("input keycombination 113 29 && input keyevent 67")  # Ctrl+A, DEL: AndroidWorld's way to clear
    ui.type("Roe")
    ui.tap(text="Mobile")  # the phone label picker
    ui.tap(text="Work")
    assert ui.find(content_desc="Work Phone").get("text") == "Work"
    ui.tap(text="Save")
    assert ui.sh(PHONES) == "Row: 0 display_name=Jane Roe, number=5550100\n"
    assert ui.sh("content query --uri content://com.android.contacts/data/phones --projection type") \
        == "Row: 0 type=3\n"


def test_delete_contact_through_the_confirmation_dialog(ui) -> None:
    open_contacts(ui)
    create_contact(ui, "Jane", "Doe", "5550100")
    ui.tap(content_desc="More options")
    ui.tap(text="Delete")
    dialog = ui.nodes()
    assert dialog[0].get("bounds") != "[0,0][1080,2400]"  # the dialog is its own window
    assert ui.find(resource_id="android:id/message").get("text") == "Delete this contact?"
    ui.tap(text="Cancel")
    assert ui.sh(PHONES).startswith("Row: 0 display_name=Jane Doe")
    ui.tap(content_desc="More options")
    ui.tap(text="Delete")
    ui.tap(resource_id="android:id/button1")
    assert ui.sh(PHONES) == "No result found.\n"
    assert ui.focus() == PEOPLE
    assert ui.exists(text="No contacts yet")


def test_search_filters_the_list(ui) -> None:
    open_contacts(ui)
    create_contact(ui, "Ann", "Lee", "5550101")
    ui.key("KEYCODE_BACK")
    create_contact(ui, "Bob", "Stone", "5550102")
    ui.key("KEYCODE_BACK")
    create_contact(ui, "Kim", "Lee", "5550103")
    ui.key("KEYCODE_BACK")
    ui.tap(text="Search contacts")
    ui.type("lee")
    names = [n.get("text") for n in ui.nodes() if n.get("resource-id") == f"{CONTACTS}:id/cliv_name_textview"]
    assert names == ["Ann Lee", "Kim Lee"]
    ui.key("KEYCODE_DEL")
    ui.key("KEYCODE_DEL")
    ui.key("KEYCODE_DEL")
    ui.type("0102")  # digits match phone numbers
    names = [n.get("text") for n in ui.nodes() if n.get("resource-id") == f"{CONTACTS}:id/cliv_name_textview"]
    assert names == ["Bob Stone"]
    ui.key("KEYCODE_BACK")
    assert ui.exists(text="Search contacts")


def test_scrolling_reveals_later_contacts(ui) -> None:
    names = seed(ui, 30)
    open_contacts(ui)
    visible = {n.get("text") for n in ui.nodes()}
    assert names[0] in visible and names[-1] not in visible
    listing = ui.find(resource_id=f"{CONTACTS}:id/contact_list")
    assert listing.get("scrollable") == "true"
    for _ in range(20):
        if ui.exists(text=names[-1]):
            break
        ui.sh("input swipe 540 1900 540 700 300")
    assert ui.exists(text=names[-1])
    assert not ui.exists(text=names[0])


def test_favourites(ui) -> None:
    open_contacts(ui)
    create_contact(ui, "Zed", "Zulu", "5550199")
    ui.tap(content_desc="Add to favorites")
    assert ui.exists(content_desc="Remove from favorites")
    assert ui.sh("content query --uri content://com.android.contacts/contacts --projection display_name:starred") \
        == "Row: 0 display_name=Zed Zulu, starred=1\n"
    ui.key("KEYCODE_BACK")
    assert ui.texts()[:3] == ["Search contacts", "★ Favorites", "Zed Zulu"]


def test_insert_intent_prefills_the_editor(ui) -> None:
    # AndroidWorld's seeding: an INSERT intent, tap Save, press Back
    ui.sh('am start -a android.intent.action.INSERT -t vnd.android.cursor.dir/contact -e name "Chen Li" '
          '-e phone 98765')
    assert ui.focus() == EDITOR
    assert ui.exists(text="Chen") and ui.exists(text="Li") and ui.exists(text="98765")
    ui.tap(text="Save")
    ui.key("KEYCODE_BACK")
    assert ui.sh(PHONES) == "Row: 0 display_name=Chen Li, number=98765\n"


def test_leaving_the_editor_with_changes_asks_to_discard(ui) -> None:
    open_contacts(ui)
    ui.tap(content_desc="Create contact")
    ui.type("Draft")
    ui.key("KEYCODE_BACK")
    assert ui.find(resource_id="android:id/message").get("text") == "Discard changes?"
    ui.tap(text="Discard")
    assert ui.focus() == PEOPLE
    assert ui.sh(PHONES) == "No result found.\n"


def test_pm_clear_of_the_provider_wipes_contacts_but_not_of_the_app(ui) -> None:
    open_contacts(ui)
    create_contact(ui, "Jane", "Doe", "5550100")
    assert ui.sh(f"pm clear {CONTACTS}") == "Success\n"
    assert ui.sh(PHONES) != "No result found.\n"  # contacts live in the provider, not in the app
    assert ui.sh("pm clear com.android.providers.contacts") == "Success\n"
    assert ui.sh(PHONES) == "No result found.\n"


def test_content_query_where_sort_and_errors(ui, device) -> None:
    seed(ui, 3)
    out = ui.sh("content query --uri content://com.android.contacts/raw_contacts --projection _id:display_name "
                "--where \"display_name LIKE '%b'\" --sort '_id DESC'")
    assert out == "Row: 0 _id=2, display_name=Person Ab\n"
    result = device.shell2("content query --uri content://com.android.contacts/contacts --projection nope", v2=True)
    assert result.returncode == 0
    assert result.stderr.startswith("Error while accessing provider:com.android.contacts\n"
                                    "java.lang.IllegalArgumentException: Invalid column nope")
    delete = "content delete --uri content://com.android.contacts/contacts --where \"display_name = 'Person Aa'\""
    assert ui.sh(delete) == ""
    assert ui.sh("content query --uri content://contacts/people --projection name") \
        == "Row: 0 name=Person Ab\nRow: 1 name=Person Ac\n"
