"""Camera and microphone in output frames, with Colab's own snippets, in a real browser whose
camera and microphone are Chromium's fake devices (--use-fake-device-for-media-stream; the
prompt is answered "allow" by --use-fake-ui-for-media-stream, see tests/e2e/helpers.py).

Each output frame is sandboxed on an origin of its own (``f-<token>.localhost:<port>``; Chromium
refuses getUserMedia in any opaque origin) with `allow="camera; microphone; clipboard-write"`, so
the browser's own permission prompt is what stands between an output and the devices."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, code, notebook_json, output, upload_notebook

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 90_000
FRAME = 'iframe[title="Output"]'

# Colab's "Camera Capture" snippet, as the snippets panel inserts it.
TAKE_PHOTO = """\
from IPython.display import display, Javascript
from google.colab.output import eval_js
from base64 import b64decode

def take_photo(filename='photo.jpg', quality=0.8):
  js = Javascript('''
    async function takePhoto(quality) {
      const div = document.createElement('div');
      const capture = document.createElement('button');
      capture.textContent = 'Capture';
      div.appendChild(capture);

      const video = document.createElement('video');
      video.style.display = 'block';
      const stream = await navigator.mediaDevices.getUserMedia({video: true});

      document.body.appendChild(div);
      div.appendChild(video);
      video.srcObject = stream;
      await video.play();

      // Resize the output to fit the video element.
      google.colab.output.setIframeHeight(document.documentElement.scrollHeight, true);

      // Wait for Capture to be clicked.
      await new Promise((resolve) => capture.onclick = resolve);

      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext('2d').drawImage(video, 0, 0);
      stream.getVideoTracks()[0].stop();
      div.remove();
      return canvas.toDataURL('image/jpeg', quality);
    }
    ''')
  display(js)
  data = eval_js('takePhoto({})'.format(quality))
  binary = b64decode(data.split(',')[1])
  with open(filename, 'wb') as f:
    f.write(binary)
  return filename
"""

USE_PHOTO = """\
from IPython.display import Image
try:
  filename = take_photo()
  print('Saved to {}'.format(filename))

  # Show the image which was just taken.
  display(Image(filename))
except Exception as err:
  # Errors will be thrown if the user does not have a webcam or if they do not
  # grant the page permission to access it.
  print(str(err))
"""

# The record-audio snippet people paste into Colab (MediaRecorder in the output, eval_js, then
# b64decode). Its usual last step, pydub's AudioSegment.from_file, needs ffmpeg in the runtime;
# here the recording is checked as the WebM file the browser made.
RECORD = """\
from IPython.display import Javascript, display
from google.colab import output
from base64 import b64decode

RECORD = '''
const sleep  = time => new Promise(resolve => setTimeout(resolve, time))
const b2text = blob => new Promise(resolve => {
  const reader = new FileReader()
  reader.onloadend = e => resolve(e.srcElement.result)
  reader.readAsDataURL(blob)
})
var record = time => new Promise(async resolve => {
  stream = await navigator.mediaDevices.getUserMedia({ audio: true })
  recorder = new MediaRecorder(stream)
  chunks = []
  recorder.ondataavailable = e => chunks.push(e.data)
  recorder.start()
  await sleep(time)
  recorder.onstop = async ()=>{
    blob = new Blob(chunks)
    text = await b2text(blob)
    resolve(text)
  }
  recorder.stop()
})
'''

def record(sec=1):
  display(Javascript(RECORD))
  s = output.eval_js('record(%d)' % (sec * 1000))
  b = b64decode(s.split(',')[1])
  with open('audio.webm', 'wb') as f:
    f.write(b)
  return b

audio = record(1)
print('recorded', len(audio) > 1000, audio[:4].hex())
"""


def open_code_notebook(page: Page, hub: Hub, username: str, *sources: str) -> None:
    item_id = upload_notebook(hub, username, "camera.ipynb", notebook_json(*[("code", s) for s in sources]))
    sign_in(page, hub, username)
    page.goto(f"{hub.url}/notebook/{item_id}")
    expect(cell(page, 1)).to_be_visible()


def run(page: Page, n: int) -> None:
    code(page, n).click()
    page.keyboard.press("Control+Enter")


def test_colabs_camera_snippet_takes_a_photo_from_the_camera(hub: Hub, page: Page, make_user):
    open_code_notebook(page, hub, make_user("cam"), TAKE_PHOTO, USE_PHOTO)
    run(page, 1)
    run(page, 2)
    capture = cell(page, 2).frame_locator(FRAME).first.get_by_role("button", name="Capture")
    expect(capture).to_be_visible(timeout=RUN_TIMEOUT)
    # The fake camera's picture is playing in the output before the person captures it.
    video = cell(page, 2).frame_locator(FRAME).first.locator("video")
    expect(video).to_be_visible()
    capture.click()
    out = output(page, 2)
    expect(out).to_contain_text("Saved to photo.jpg", timeout=RUN_TIMEOUT)
    photo = out.get_by_role("img")
    expect(photo).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle())


def test_the_record_audio_snippet_records_from_the_microphone(hub: Hub, page: Page, make_user):
    open_code_notebook(page, hub, make_user("mic"), RECORD)
    run(page, 1)
    # A WebM file (EBML magic 1a45dfa3) of more than a kilobyte: a second of the fake microphone.
    expect(output(page, 1)).to_contain_text("recorded True 1a45dfa3", timeout=RUN_TIMEOUT)


def test_output_frames_allow_camera_and_microphone_but_stay_sandboxed(hub: Hub, page: Page, make_user):
    open_code_notebook(page, hub, make_user("allow"), "from IPython.display import HTML\nHTML('<b>hi</b>')")
    run(page, 1)
    frame = cell(page, 1).locator(FRAME)
    expect(frame).to_have_attribute("allow", "camera; microphone; clipboard-write", timeout=RUN_TIMEOUT)
    sandbox = frame.get_attribute("sandbox") or ""
    assert "allow-scripts" in sandbox.split() and "allow-same-origin" in sandbox.split()
    assert "allow-top-navigation" not in sandbox  # nor its by-user-activation variant
    assert re.match(r"^http://f-[a-z2-7]{26}\.localhost:\d+/output-frame\.html\?parent=", frame.get_attribute("src") or "")
