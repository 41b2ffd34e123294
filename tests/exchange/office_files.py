"""Files as consulates really hold them, made for the tests: an Outlook contacts export,
a Google Contacts export, a workbook with title rows and Excel dates, a semicolon
separated Windows-1252 file with accented names, Excel's "Unicode text" (UTF-16, tabs)
and a sheet with Urdu headers. Names and places are those of the demo registry."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

OUTLOOK_HEADERS = [
    "First Name", "Middle Name", "Last Name", "Title", "Suffix", "Initials", "Web Page",
    "Gender", "Birthday", "Anniversary", "Location", "Language", "Internet Free Busy",
    "Notes", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Primary Phone",
    "Home Phone", "Home Phone 2", "Mobile Phone", "Pager", "Home Fax", "Home Address",
    "Home Street", "Home Street 2", "Home Street 3", "Home Address PO Box", "Home City",
    "Home State", "Home Postal Code", "Home Country", "Spouse", "Children",
    "Manager's Name", "Assistant's Name", "Referred By", "Company Main Phone",
    "Business Phone", "Business Phone 2", "Business Fax", "Assistant's Phone", "Company",
    "Job Title", "Department", "Office Location", "Organizational ID Number", "Profession",
    "Account", "Business Address", "Business Street", "Business Street 2",
    "Business Street 3", "Business Address PO Box", "Business City", "Business State",
    "Business Postal Code", "Business Country", "Other Phone", "Other Fax",
    "Other Address", "Other Street", "Other City", "Other State", "Other Postal Code",
    "Other Country", "Callback", "Car Phone", "ISDN", "Radio Phone", "TTY/TDD Phone",
    "Telex", "User 1", "User 2", "User 3", "User 4", "Keywords", "Mileage", "Hobby",
    "Billing Information", "Directory Server", "Sensitivity", "Priority", "Private",
    "Categories",
]  # fmt: skip
OUTLOOK_PEOPLE = [
    # first, last, title, email, business phone, mobile, company, job title, city, state
    ("Farah", "Qureshi", "Dr.", "farah.qureshi@clinic.example.org", "(713) 555-0142", "",
     "Association of Physicians of Pakistani Descent of North America", "Treasurer",
     "Houston", "TX"),
    ("Bilal", "Chaudhry", "Engr.", "bilal@pabah.example.com", "", "+1 281 555 0199",
     "PABAH", "Board member", "Sugar Land", "TX"),
    ("Sana", "Mirza", "", "sana.mirza@example.net", "", "832-555-0177",
     "Gulf Coast Cricket League", "Captain", "Katy", "TX"),
]  # fmt: skip

GOOGLE_HEADERS = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday",
    "Notes", "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label",
    "Phone 1 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street",
    "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region",
    "Address 1 - Postal Code", "Address 1 - Country", "Address 1 - Extended Address",
]  # fmt: skip
GOOGLE_PEOPLE = [
    ("Usman", "Tariq", "Mr.", "OPEN", "Mentor", "usman.tariq@gmail.example.com",
     "+14085550123", "San Jose", "CA", "Met at OPEN Forum 2026"),
    ("عائشہ", "صدیقی", "", "", "", "ayesha.siddiqui@example.org", "", "Fremont", "California",
     ""),
]  # fmt: skip


def outlook_contacts_csv(folder: Path) -> Path:
    """Outlook's "Export to a file > Comma Separated Values": Windows-1252, every column
    Outlook has, most of them empty."""
    rows = []
    for first, last, title, email, business, mobile, company, job, city, state in OUTLOOK_PEOPLE:
        row = dict.fromkeys(OUTLOOK_HEADERS, "")
        row |= {
            "First Name": first, "Last Name": last, "Title": title, "E-mail Address": email,
            "Business Phone": business, "Mobile Phone": mobile, "Company": company,
            "Job Title": job, "Business City": city, "Business State": state,
            "Sensitivity": "Normal", "Priority": "Normal", "Private": "False",
            "Notes": f"Met at the Houston café evening — {first} asked about NICOP.",
        }  # fmt: skip
        rows.append(row)
    path = folder / "outlook contacts.CSV"
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.DictWriter(handle, OUTLOOK_HEADERS, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    return path


def google_contacts_csv(folder: Path) -> Path:
    """Google Contacts' "Export > Google CSV": UTF-8 without a byte-order mark."""
    path = folder / "contacts.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, GOOGLE_HEADERS)
        writer.writeheader()
        for first, last, prefix, org, title, email, phone, city, region, notes in GOOGLE_PEOPLE:
            row = dict.fromkeys(GOOGLE_HEADERS, "")
            row |= {
                "First Name": first, "Last Name": last, "Name Prefix": prefix,
                "Organization Name": org, "Organization Title": title,
                "E-mail 1 - Label": "* Home", "E-mail 1 - Value": email,
                "Phone 1 - Label": "Mobile", "Phone 1 - Value": phone,
                "Address 1 - City": city, "Address 1 - Region": region, "Notes": notes,
                "Labels": "* myContacts",
            }  # fmt: skip
            writer.writerow(row)
    return path


def workbook_with_title_rows(folder: Path) -> Path:
    """An engagement log kept in Excel: two title rows above the header, dates as date
    cells and, where someone typed over the format, as bare serial numbers."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Log"
    sheet.append(["Consulate General of Pakistan, Houston"])
    sheet.append(["Community engagement log, July to September 2026"])
    sheet.append(["Date", "Type", "Subject", "Organization", "Notes", "Outcome"])
    sheet.append(
        [datetime(2026, 7, 14), "Meeting", "Roshan Digital Account briefing", "PABAH",
         "Briefed the board on RDA and NPC.", "Board to host a webinar."]
    )  # fmt: skip
    sheet.append(
        [46244, "Event", "Independence Day reception", "APPNA", "Around 300 guests.", ""]
    )  # 46244 is 2026-08-10 as Excel counts days
    sheet.append([date(2026, 9, 2), "call", "Flood relief coordination", "ISNA", "", ""])
    for cell in sheet["A"][3:]:
        if isinstance(cell.value, datetime | date):
            cell.number_format = "dd-mmm-yyyy"
    path = folder / "engagement log Q3.xlsx"
    workbook.save(path)
    return path


def semicolon_windows_1252(folder: Path) -> Path:
    """A list saved by a European Excel: semicolons, Windows-1252, accented names."""
    text = (
        "Given name;Family name;City;State;Email;Phone;Profession\r\n"
        "Renée;D'Souza;Dallas;TX;renee.dsouza@example.com;214-555-0110;Architect\r\n"
        "José;Fernandes;Austin;Texas;jose.fernandes@example.com;;Chef\r\n"
        "Zoë;Malik;Plano;TX;zoe.malik@example.com;;Nurse — ICU\r\n"
    )
    path = folder / "community list.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def unicode_text_utf16(folder: Path) -> Path:
    """Excel's "Save as Unicode Text": UTF-16 little-endian with a byte-order mark,
    tab-separated; an organization list with Urdu in it."""
    lines = [
        ["Name", "Acronym", "Type", "City", "State", "Website", "District", "Province"],
        ["Sialkot Welfare Society of Texas", "SWST", "Hometown association", "Houston", "TX",
         "https://swst.example.org", "Sialkot", "Punjab"],
        ["بزم ادب ہیوسٹن", "BAH", "Cultural", "Houston", "TX", "", "", ""],
    ]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(lines)
    path = folder / "organizations.txt"
    path.write_bytes(buffer.getvalue().encode("utf-16"))
    return path


def urdu_headers_csv(folder: Path) -> Path:
    """A list typed by a community volunteer with its headers in Urdu."""
    text = (
        "پہلا نام,خاندانی نام,اردو نام,شہر,ای میل,فون,پیشہ\n"
        "Kamran,Butt,کامران بٹ,Houston,kamran.butt@example.com,+17135550161,Engineer\n"
        "Nadia,Hussain,نادیہ حسین,Pearland,nadia.hussain@example.com,,Teacher\n"
    )
    path = folder / "رابطے.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path
