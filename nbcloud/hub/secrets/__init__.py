"""Each user's secrets (Colab's Secrets panel): named values a notebook reads with
``google.colab.userdata.get(name)`` once its owner granted that notebook access."""
